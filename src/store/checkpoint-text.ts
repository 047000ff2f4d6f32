/**
 * Reading a checkpoint back from its parts. A checkpoint's text is one JSON object (the
 * snapshot), written in parts that are cut between pieces; reading it does not join them: the
 * object's fields, and each element of an array field, are parsed on their own as the parts
 * come. At 10⁵ orders the text is about 116 MB; joined, it was held twice over (the parts and
 * the whole) while it was parsed.
 */
import type { Snapshot } from '../engine/snapshot-format.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * The snapshot a checkpoint's parts hold, given their texts in order. Throws a `SyntaxError`
 * naming the place when the parts do not make one JSON object.
 */
export function snapshotFromParts(parts: Iterable<string>): Snapshot {
  const snapshot: Record<string, unknown> = {};
  // Where the reading is: before the object, before a field's name, at a field's value, among
  // an array field's elements, or after the object.
  let at = 'start' as 'start' | 'name' | 'value' | 'elements' | 'end';
  let name = '';
  // Whether a field or an element was just read: a comma or the closing bracket comes next.
  let more = false;
  let elements: unknown[] = [];
  // The text of a field or an element a part ended inside of: it is read again with the next.
  let carried = '';
  let offset = 0;
  for (const part of parts) {
    const text = carried === '' ? part : carried + part;
    let i = 0;
    reading: for (;;) {
      while (i < text.length && isSpace(text.charCodeAt(i))) i++;
      if (i === text.length) break;
      const c = text.charCodeAt(i);
      switch (at) {
        case 'start':
          if (c !== OPEN_BRACE) throw unexpected(text, i, offset, 'the opening {');
          i++;
          at = 'name';
          break;
        case 'name': {
          if (c === CLOSE_BRACE && (more || Object.keys(snapshot).length === 0)) {
            i++;
            at = 'end';
            break;
          }
          if (more) {
            if (c !== COMMA) throw unexpected(text, i, offset, 'a , or the closing }');
            i++;
            more = false;
            break;
          }
          if (c !== QUOTE) throw unexpected(text, i, offset, "a field's name");
          const end = stringEnd(text, i);
          if (end < 0) break reading;
          let colon = end;
          while (colon < text.length && isSpace(text.charCodeAt(colon))) colon++;
          if (colon === text.length) break reading;
          if (text.charCodeAt(colon) !== COLON) throw unexpected(text, colon, offset, 'a :');
          name = JSON.parse(text.slice(i, end)) as string;
          i = colon + 1;
          at = 'value';
          break;
        }
        case 'value':
          if (c === OPEN_BRACKET) {
            elements = [];
            field(snapshot, name, elements);
            i++;
            at = 'elements';
            break;
          } else {
            const end = valueEnd(text, i);
            if (end < 0) break reading;
            field(snapshot, name, JSON.parse(text.slice(i, end)));
            i = end;
            at = 'name';
            more = true;
          }
          break;
        case 'elements': {
          if (c === CLOSE_BRACKET && (more || elements.length === 0)) {
            i++;
            at = 'name';
            more = true;
            break;
          }
          if (more) {
            if (c !== COMMA) throw unexpected(text, i, offset, 'a , or the closing ]');
            i++;
            more = false;
            break;
          }
          const end = valueEnd(text, i);
          if (end < 0) break reading;
          elements.push(JSON.parse(text.slice(i, end)));
          i = end;
          more = true;
          break;
        }
        case 'end':
          throw unexpected(text, i, offset, 'nothing after the closing }');
      }
    }
    carried = text.slice(i);
    offset += i;
  }
  if (at !== 'end')
    throw new SyntaxError(
      `the checkpoint's text ends at character ${offset + carried.length} inside the snapshot`,
    );
  return snapshot as unknown as Snapshot;
}

/** Sets a field as `JSON.parse` does: a field named `__proto__` is an own field too. */
function field(target: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(target, name, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** The index after the string that opens at `i`, or -1 when `text` ends inside it. */
function stringEnd(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    j = text.indexOf('"', j);
    if (j < 0) return -1;
    // A quote after an odd number of backslashes is escaped.
    let k = j - 1;
    while (text.charCodeAt(k) === BACKSLASH) k--;
    if ((j - 1 - k) % 2 === 0) return j + 1;
    j++;
  }
}

/**
 * The index after the JSON value that begins at `i`, or -1 when `text` ends inside it (or right
 * after a number or a word, which the next part may go on with). Only its extent is found
 * here; `JSON.parse` checks it.
 */
function valueEnd(text: string, i: number): number {
  const first = text.charCodeAt(i);
  if (first === QUOTE) return stringEnd(text, i);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    let j = i;
    for (; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) return j;
    }
    return -1;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) {
      const end = stringEnd(text, j);
      if (end < 0) return -1;
      j = end - 1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) return j + 1;
  }
  return -1;
}

function unexpected(text: string, i: number, offset: number, expected: string): SyntaxError {
  return new SyntaxError(
    `the checkpoint's text at character ${offset + i}: expected ${expected}, found ${JSON.stringify(text.slice(i, i + 20))}`,
  );
}
