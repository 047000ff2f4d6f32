import fc from 'fast-check';
import { expect, test } from 'vitest';
import { newFcfsIndex } from '../../src/queue/queues.js';
import { fcParams } from '../support/fc.js';

/** The reference: the latest promise among the entries uploaded before `q`, by a scan. */
function latestBefore(live: { uploadedAt: number; promise: number }[], q: number): number {
  return live
    .filter((x) => x.uploadedAt < q)
    .reduce((m, x) => Math.max(m, x.promise), Number.NEGATIVE_INFINITY);
}

test('property: the latest promise before an upload time matches a scan of the entries', () => {
  const entry = fc.record({
    uploadedAt: fc.integer({ min: 0, max: 30 }),
    promise: fc.integer({ min: 0, max: 1000 }),
  });
  fc.assert(
    fc.property(
      fc.array(fc.tuple(entry, fc.boolean(), fc.nat()), { maxLength: 80, size: 'max' }),
      fc.integer({ min: -1, max: 32 }),
      (ops, q) => {
        const index = newFcfsIndex();
        let live: { uploadedAt: number; seq: number; promise: number }[] = [];
        ops.forEach(([e, remove, pick], i) => {
          if (remove && live.length > 0) {
            const victim = live[pick % live.length] as (typeof live)[number];
            index.remove(victim.uploadedAt, victim.seq);
            live = live.filter((x) => x !== victim);
          } else {
            const item = { ...e, seq: i };
            index.add(item.uploadedAt, item.seq, item.promise);
            live.push(item);
          }
          expect(index.latestPromiseBefore(q)).toBe(latestBefore(live, q));
          expect(index.length).toBe(live.length);
        });
      },
    ),
    fcParams(200),
  );
});

test('property: orders added in upload order and taken from the front (the append path) answer as a scan does', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(fc.integer({ min: -2, max: 5 }), fc.integer({ min: 0, max: 1000 }), fc.nat(3)),
        { maxLength: 120, size: 'max' },
      ),
      (ops) => {
        const index = newFcfsIndex();
        let live: { uploadedAt: number; seq: number; promise: number }[] = [];
        let clock = 0;
        ops.forEach(([step, promise, action], i) => {
          // Mostly later uploads (appends); a step of zero or below goes back in time.
          clock += step;
          if (action === 0 && live.length > 0) {
            const first = live.reduce((a, b) =>
              a.uploadedAt < b.uploadedAt || (a.uploadedAt === b.uploadedAt && a.seq < b.seq)
                ? a
                : b,
            );
            index.remove(first.uploadedAt, first.seq);
            live = live.filter((x) => x !== first);
          } else {
            const item = { uploadedAt: clock, seq: i, promise };
            index.add(item.uploadedAt, item.seq, item.promise);
            live.push(item);
          }
          for (const q of [clock - 3, clock, clock + 1, Number.POSITIVE_INFINITY])
            expect(index.latestPromiseBefore(q)).toBe(latestBefore(live, q));
          expect(index.length).toBe(live.length);
        });
      },
    ),
    fcParams(200),
  );
});
