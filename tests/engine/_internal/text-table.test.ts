import fc from 'fast-check';
import { expect, test } from 'vitest';
import { TextTable } from '../../../src/engine/_internal/text-table.js';
import { fcParams } from '../../support/fc.js';

test('property: the text table answers only the text kept for the same key', () => {
  // Times a few minutes apart and tables of a few slots, so that keys repeat, collide in slots
  // and evict each other.
  const time = fc.integer({ min: 0, max: 3 }).map((m) => 1_790_000_000_000 + m * 60_000 + 7);
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), time, time), {
        maxLength: 200,
        size: 'max',
      }),
      fc.integer({ min: 1, max: 6 }),
      (keys, bits) => {
        const table = new TextTable(bits);
        const textOf = (kind: number, t1: number, t2: number) =>
          `${kind}|${Math.floor(t1 / 60_000)}|${Math.floor(t2 / 60_000)}`;
        for (const [kind, t1, t2] of keys) {
          const kept = table.get(kind, t1, t2);
          if (kept === undefined) table.put(textOf(kind, t1, t2));
          else expect(kept).toBe(textOf(kind, t1, t2));
        }
        // A key asked for twice in a row is a hit the second time.
        const [kind, t1, t2] = keys[0] ?? [0, 0, 0];
        if (table.get(kind, t1, t2) === undefined) table.put(textOf(kind, t1, t2));
        expect(table.get(kind, t1 + 1, t2)).toBe(textOf(kind, t1 + 1, t2));
      },
    ),
    fcParams(200),
  );
});

test('a key whose text was never put is not answered', () => {
  const table = new TextTable();
  expect(table.get(1, 60_000, 120_000)).toBeUndefined();
  // No put: the next get of the same key misses again rather than answering a stale text.
  expect(table.get(1, 60_000, 120_000)).toBeUndefined();
  table.put('one');
  expect(table.get(1, 60_000, 120_059)).toBe('one');
  expect(table.get(2, 60_000, 120_000)).toBeUndefined();
});
