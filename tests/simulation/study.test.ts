/**
 * `study`: the replications of `simulate` on worker threads. The result is the same as
 * `simulate`'s, byte for byte, whatever the number of workers; the progress report still counts
 * every order; bad options are refused before any worker starts. Run from the sources, the
 * workers load the TypeScript sources too (study.ts says how), so nothing here needs a build.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  averageDay,
  comparePolicies,
  peakDay,
  simulate,
  study,
  studyPolicies,
  studySweep,
  sweep,
  ValidationError,
} from '../../src/index.js';
import {
  planRun,
  replicationStream,
  resolveScenario,
  runReplication,
} from '../../src/simulation/simulate.js';
import { fcParams } from '../support/fc.js';

describe('study', () => {
  test('1, 2 and 3 workers give the same result as simulate, byte for byte', async () => {
    const options = { seed: 7, replications: 5 };
    const expected = JSON.stringify(simulate(averageDay, options));
    for (const workers of [1, 2, 3]) {
      const result = await study(averageDay, { ...options, workers });
      expect(JSON.stringify(result), `${workers} workers`).toBe(expected);
    }
  });

  test('studySweep gives sweep’s summary, byte for byte, on 1 and 2 workers', async () => {
    const axes = ['rush.quotaShare=0.1,0.3', 'rush.tightLoad=0.7,0.9'];
    const options = { seed: 5, replications: 2 };
    const expected = JSON.stringify(sweep(averageDay, {}, axes, options).summary);
    for (const workers of [1, 2]) {
      const cells: string[] = [];
      const result = await studySweep(averageDay, {}, axes, {
        ...options,
        workers,
        onCell: ({ id }) => cells.push(id),
      });
      expect(JSON.stringify(result.summary), `${workers} workers`).toBe(expected);
      expect(cells).toHaveLength(4);
    }
  });

  test('any seed, replications and workers: the summary is simulate’s', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        async (seed, replications, workers) => {
          const a = simulate(averageDay, { seed, replications });
          const b = await study(averageDay, { seed, replications, workers });
          expect(JSON.stringify(b.summary)).toBe(JSON.stringify(a.summary));
        },
      ),
      fcParams(3),
    );
  });

  test('progress counts every order of every replication, in order, to the total simulate counts', async () => {
    const seen: { done: number; total: number }[] = [];
    const totals: number[] = [];
    simulate(peakDay, { seed: 2, replications: 3, onProgress: (p) => totals.push(p.total) });
    await study(peakDay, {
      seed: 2,
      replications: 3,
      workers: 2,
      onProgress: ({ done, total }) => seen.push({ done, total }),
    });
    expect(seen.length).toBeGreaterThan(10);
    expect(new Set(seen.map((p) => p.total))).toEqual(new Set([totals[0]]));
    expect(seen.at(-1)?.done).toBe(totals[0]);
    const done = seen.map((p) => p.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(new Set(done).size).toBe(done.length);
  });

  test('bad options reject with every issue named, before any worker starts', async () => {
    let progressed = false;
    const onProgress = () => {
      progressed = true;
    };
    for (const workers of [0, -1, 1.5, Number.NaN]) {
      const error = await study(averageDay, { workers, replications: 0, onProgress }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
        'replications',
        'workers',
      ]);
      expect((error as ValidationError).message).toContain(
        `workers: must be a whole number of at least 1, received ${String(workers)}`,
      );
    }
    await expect(study(averageDay, { replications: 4, maxOrders: 1000 })).rejects.toThrow(
      /maxOrders: the run expects about 1160 orders/,
    );
    expect(progressed).toBe(false);
  });

  test('studyPolicies gives comparePolicies’ comparison', async () => {
    const policies = [{}, { rush: { quotaShare: 0.05 } }];
    const options = { seed: 3, replications: 3 };
    const expected = comparePolicies(peakDay, policies, options);
    const result = await studyPolicies(peakDay, policies, { ...options, workers: 2 });
    expect(JSON.stringify(result)).toBe(JSON.stringify(expected));
  });
});

describe('replications stream', () => {
  test('a replication after the first keeps its KPI values and nothing of its day', () => {
    const s = resolveScenario(averageDay);
    const plan = planRun(s, { seed: 1, replications: 2 });
    const first = runReplication(s, plan, 0, replicationStream(1, 0));
    const second = runReplication(s, plan, 1, replicationStream(1, 1));
    expect(first.day?.sheet.length).toBe(first.arrivals);
    expect(Object.keys(second).sort()).toEqual(['arrivals', 'kpis', 'rushDecisions']);
    expect(second.kpis.find((k) => k.def.id === 'orders')?.value).toBeGreaterThan(200);
  });
});
