/**
 * A journal entry made from an answer already turned into text: the stores write that text as
 * it is, and its `result` is the same data to whoever reads it (a `Store` of one's own).
 */
import { describe, expect, test } from 'vitest';
import { answerText, entryText, journalEntry, resultText } from '../../src/store/journal.js';

describe('journalEntry', () => {
  const call = { kind: 'next', at: 1_800_000_000_000, line: 'print' } as const;
  const answer = {
    orderId: 'a1',
    line: 'print',
    reasons: [{ rule: 'requested-time', message: '…' }],
  };
  const recorded = resultText(answer);

  test('the stores write the recorded text itself; result is the same data, read as often as wanted', () => {
    const entry = journalEntry(3, call, recorded);
    expect(entryText(entry)).toEqual({ call: JSON.stringify(call), result: recorded });
    expect(answerText(entry)).toBe(recorded);
    expect(entry.result).toEqual(answer);
    expect(entry.result).toBe(entry.result);
    // As data it is a plain entry: JSON, a structured clone and a spread see the result.
    expect(JSON.parse(JSON.stringify(entry))).toEqual({ seq: 3, call, result: answer });
    expect(structuredClone(entry)).toEqual({ seq: 3, call, result: answer });
    expect({ ...entry }).toEqual({ seq: 3, call, result: answer });
  });

  test('an entry made as plain data is written from its result, null for no answer', () => {
    expect(entryText({ seq: 1, call, result: answer }).result).toBe(recorded);
    expect(answerText({ seq: 2, call, result: undefined })).toBe('null');
  });
});
