/**
 * The crash test of issue 6: a child process runs a random stream through a durable scheduler
 * on SQLite and prints each answer after the call returned; the parent kills it with SIGKILL
 * after a random number of answers (the child is by then in the middle of later calls), reopens
 * the store and checks that every printed answer is on disk exactly as printed, and that the
 * journal replays.
 *
 * The child runs the built package (`npm test` builds before vitest runs).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { openScheduler, sqliteStore } from '../../src/index.js';
import { fcParams } from '../support/fc.js';
import { checkPrinted, DIST, runChild } from '../support/journal-runs.js';

test('crash: killed with SIGKILL at random moments, the store keeps every answer it gave (20 runs)', async () => {
  expect(existsSync(DIST), 'the child runs the built package: npm run build first').toBe(true);
  let runs = 0;
  let answers = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.integer({ min: 0, max: 150 }),
      async (seed, killAfter) => {
        const file = join(mkdtempSync(join(tmpdir(), 'rushline-crash-')), 'lab.db');
        const { printed, killed, stderr } = await runChild(file, seed, { killAfter });
        expect(stderr).toBe('');
        runs++;
        answers += printed.length;
        // A stream shorter than the kill point ends on its own; it is checked the same way.
        expect(killed || printed.length < killAfter).toBe(true);
        const store = sqliteStore(file);
        await store.open({ lab: 'crash-lab', readOnly: true });
        const s = await openScheduler({ store: file, lab: 'crash-lab' });
        try {
          await checkPrinted(store, printed, s);
        } finally {
          await s.close();
          await store.close();
        }
      },
    ),
    { ...fcParams(20), endOnFailure: true },
  );
  expect(runs).toBeGreaterThanOrEqual(20);
  expect(answers).toBeGreaterThan(20);
}, 120_000);
