/**
 * A checkpoint is read back from its parts without joining them (`snapshotFromParts`): it must
 * give what `JSON.parse` of the joined text gives, wherever the parts were cut, and refuse a
 * text that is not one JSON object as `JSON.parse` would.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createScheduler } from '../../src/index.js';
import { snapshotFromParts } from '../../src/store/checkpoint-text.js';
import { arbitraries, runTrace } from '../../src/testing/index.js';
import { fcParams } from '../support/fc.js';
import { busyLab } from '../support/labs.js';

/**
 * `got` is `want`: the same JSON, and the same own fields and prototypes (`toStrictEqual` takes
 * a field named `constructor` for the object's class).
 */
function expectSame(got: unknown, want: unknown): void {
  expect(JSON.stringify(got)).toBe(JSON.stringify(want));
  expect(isDeepStrictEqual(got, want)).toBe(true);
}

/** `text` cut at the given places (any, even inside a string, a number or an escape). */
function cut(text: string, places: number[]): string[] {
  const at = [...new Set(places.map((p) => p % (text.length + 1)))].sort((a, b) => a - b);
  const parts: string[] = [];
  let from = 0;
  for (const p of at) {
    parts.push(text.slice(from, p));
    from = p;
  }
  parts.push(text.slice(from));
  return parts;
}

/** A JSON object shaped as a snapshot is: fields, some of them arrays, under any names. */
const anObject = fc.dictionary(
  fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'a"b\\', '')),
  fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue())),
  { maxKeys: 8 },
);

describe('snapshotFromParts', () => {
  test('gives what JSON.parse of the joined parts gives, wherever they were cut', () => {
    fc.assert(
      fc.property(
        anObject,
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        (value, places, spaced) => {
          const text = spaced ? JSON.stringify(value, null, 2) : JSON.stringify(value);
          expectSame(snapshotFromParts(cut(text, places)), JSON.parse(text));
        },
      ),
      fcParams(300),
    );
  });

  test("reads a lab's checkpoint as its snapshot, the pieces grouped into parts in any way", () => {
    fc.assert(
      fc.property(
        arbitraries.orderStreams(busyLab, { lifecycle: true, capacityChanges: true, clients: 5 }),
        fc.array(fc.boolean(), { minLength: 1 }),
        (stream, breaks) => {
          const s = createScheduler({ ...busyLab, retention: 1 });
          runTrace(busyLab, stream, { scheduler: s });
          const parts: string[] = [''];
          [...s.snapshotText()].forEach((piece, i) => {
            if (breaks[i % breaks.length]) parts.push('');
            parts[parts.length - 1] += piece;
          });
          expectSame(snapshotFromParts(parts), JSON.parse(JSON.stringify(s.snapshot())));
        },
      ),
      fcParams(40),
    );
  });

  test('a text that is not one JSON object is refused, wherever it was cut', () => {
    fc.assert(
      fc.property(
        anObject.filter((v) => Object.keys(v).length > 0),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.constantFrom('truncated', 'trailing', 'junk after', 'no comma'),
        (value, places, damage) => {
          const whole = JSON.stringify(value);
          const text =
            damage === 'truncated'
              ? whole.slice(0, -1)
              : damage === 'trailing'
                ? `${whole.slice(0, -1)},}`
                : damage === 'junk after'
                  ? `${whole}x`
                  : whole.replace(/^\{("(?:[^"\\]|\\.)*"):/, '{$1:1 $1:');
          expect(() => JSON.parse(text)).toThrow(SyntaxError);
          expect(() => snapshotFromParts(cut(text, places))).toThrow(SyntaxError);
        },
      ),
      fcParams(200),
    );
  });

  test('names the place of the damage', () => {
    expect(() => snapshotFromParts(['{"a":1', ',"b":[1,2]'])).toThrow(
      "the checkpoint's text ends at character 16 inside the snapshot",
    );
    expect(() => snapshotFromParts(['{"a":1 "b":2}'])).toThrow(
      'the checkpoint\'s text at character 7: expected a , or the closing }, found "\\"b\\":2}"',
    );
    expect(() => snapshotFromParts(['{"a":[1,]}'])).toThrow(SyntaxError);
    expect(snapshotFromParts(['{}'])).toStrictEqual({});
    expect(snapshotFromParts([' {', ' "a" : [ ] , "b":{"c":[1,"]"]} }', ' '])).toStrictEqual({
      a: [],
      b: { c: [1, ']'] },
    });
  });
});
