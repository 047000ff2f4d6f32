/**
 * Policy sweeps: the `--vary` grammar, the plan's checks, common random numbers across cells,
 * and the Pareto front against a brute-force reference.
 */

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseScenarioText } from '../../src/simulation/load.js';
import { simulate } from '../../src/simulation/simulate.js';
import {
  combineSweep,
  MAX_SWEEP_CELLS,
  paretoFront,
  parseVary,
  planSweep,
  sweep,
} from '../../src/simulation/sweep.js';
import { renderSweepReport } from '../../src/simulation/sweep-report.js';
import { fcParams } from '../support/fc.js';
import { issuesOf } from '../support/issues.js';

const SMALL = parseScenarioText(
  readFileSync(new URL('../cli/fixtures/small.yaml', import.meta.url), 'utf8'),
  { file: 'small.yaml' },
);

describe('--vary', () => {
  test('a range is inclusive and float-safe; a list keeps its order', () => {
    expect(parseVary('rush.quotaShare=0.1:0.4:0.05').values).toEqual([
      0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4,
    ]);
    expect(parseVary('rush.tightLoad=0.6,0.8,0.95')).toEqual({
      path: 'rush.tightLoad',
      values: [0.6, 0.8, 0.95],
    });
    expect(parseVary('rush.frequentRushCount=1:10:3').values).toEqual([1, 4, 7, 10]);
    expect(parseVary('rush.frequentRushCount=1:9:3').values).toEqual([1, 4, 7]);
    expect(parseVary('rush.quotaShare=0.3').values).toEqual([0.3]);
  });

  test('every value of a range is start + i·step to its decimals, and the end is in when a whole number of steps away', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 3 }),
        (a, step, n, places) => {
          const d = 10 ** places;
          const text = (x: number) => (x / d).toFixed(places);
          const end = a + n * step;
          const axis = parseVary(`rush.tightLoad=${text(a)}:${text(end)}:${text(step)}`);
          expect(axis.values).toEqual(
            Array.from({ length: n + 1 }, (_, i) => Number(text(a + i * step))),
          );
        },
      ),
      fcParams(200),
    );
  });

  test('a bad --vary names the option, what was expected and what came', () => {
    const cases: [string, RegExp][] = [
      [
        'rush.quotaShare',
        /expected PATH=START:END:STEP or PATH=A,B,C .* received 'rush.quotaShare'/,
      ],
      ['rush.quotaShare=', /expected values after 'rush.quotaShare=' .* received nothing/],
      ['rush.quotaShare=0.1:0.4', /expected a range START:END:STEP, received '0.1:0.4'/],
      ['rush.quotaShare=0.4:0.1:0.1', /expected END at least START, received 0.4:0.1:0.1/],
      ['rush.quotaShare=0.1:0.4:-1', /expected a STEP above 0, received '-1'/],
      ['rush.quotaShare=0.1,x', /expected a number for value 2, received 'x'/],
      ['rush.quotaShare=0:1000:1', /has 1001 values, more than the limit of 256 cells/],
    ];
    for (const [text, message] of cases) {
      const [issue] = issuesOf(() => parseVary(text));
      expect(issue?.path).toBe('--vary');
      expect(issue?.message).toMatch(message);
    }
  });
});

describe('planSweep', () => {
  test('cells are every combination, the last axis fastest, each policy the base with the values set', () => {
    const plan = planSweep(SMALL, { rush: { keyReserveShare: 0.05 } }, [
      'rush.quotaShare=0.1:0.2:0.1',
      { path: 'standardTurnaroundHours.key', values: [12, 24, 36] },
    ]);
    expect(plan.cells.map((c) => c.id)).toEqual([
      'rush.quotaShare=0.1,standardTurnaroundHours.key=12',
      'rush.quotaShare=0.1,standardTurnaroundHours.key=24',
      'rush.quotaShare=0.1,standardTurnaroundHours.key=36',
      'rush.quotaShare=0.2,standardTurnaroundHours.key=12',
      'rush.quotaShare=0.2,standardTurnaroundHours.key=24',
      'rush.quotaShare=0.2,standardTurnaroundHours.key=36',
    ]);
    expect(plan.cells[4]?.policy).toEqual({
      rush: { keyReserveShare: 0.05, quotaShare: 0.2 },
      standardTurnaroundHours: { key: 24 },
    });
  });

  test('unknown paths, repeated and empty axes, too many cells and bad policies are ValidationErrors', () => {
    expect(issuesOf(() => planSweep(SMALL, {}, ['rush.nope=1,2']))[0]?.message).toMatch(
      /expected the path of a number in the policy \(.*rush\.quotaShare.*\), received 'rush\.nope'/,
    );
    expect(
      issuesOf(() => planSweep(SMALL, {}, ['rush.tightLoad=0.5', 'rush.tightLoad=0.6']))[0]
        ?.message,
    ).toMatch(/'rush.tightLoad' is varied twice/);
    expect(issuesOf(() => planSweep(SMALL, {}, []))[0]).toEqual({
      path: 'axes',
      message: 'expected at least one axis to vary, received none',
    });
    expect(
      issuesOf(() => planSweep(SMALL, {}, [{ path: 'rush.tightLoad', values: [] }]))[0]?.message,
    ).toMatch(/expected at least one value for 'rush.tightLoad', received none/);
    expect(
      issuesOf(() =>
        planSweep(SMALL, {}, [
          'rush.tightLoad=0:1:0.05',
          'rush.quotaShare=0:0.5:0.05',
          'rush.frequentRushCount=1,2',
        ]),
      )[0]?.message,
    ).toBe(
      `expected at most ${MAX_SWEEP_CELLS} cells, received 21 × 11 × 2 = 462; use fewer values or fewer axes`,
    );
    const bad = issuesOf(() => planSweep(SMALL, {}, ['rush.tightLoad=0.5,1.5,2']));
    expect(bad[0]).toEqual({
      path: 'rush.tightLoad',
      message: 'in the cell rush.tightLoad=1.5: must be between 0 and 1',
    });
    expect(bad[1]?.message).toBe('1 more cells have a bad policy');
  });
});

describe('paretoFront', () => {
  /** The front by definition: the points no other point dominates. */
  const bruteForce = (points: number[][]) =>
    points.flatMap((p, i) =>
      points.some(
        (q) => q.every((x, k) => x >= (p[k] as number)) && q.some((x, k) => x > (p[k] as number)),
      )
        ? []
        : [i],
    );

  test('agrees with the brute-force definition, ties and duplicates included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((dims) =>
          fc.array(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: dims, maxLength: dims }), {
            maxLength: 40,
          }),
        ),
        (points) => {
          expect(paretoFront(points)).toEqual(bruteForce(points));
        },
      ),
      fcParams(500),
    );
  });
});

describe('sweep', () => {
  test('each cell is the simulation of its policy on the same seeded days, and the front is marked', async () => {
    const options = { seed: 3, replications: 2 };
    const result = sweep(SMALL, {}, ['rush.quotaShare=0.05,0.25'], options);
    expect(result.summary.cells).toHaveLength(2);
    for (const cell of result.summary.cells) {
      const alone = simulate(
        { ...SMALL.source, policy: { rush: { quotaShare: cell.values[0] as number } } },
        options,
      ).summary;
      expect(cell.kpis).toEqual(alone.kpis);
    }
    // Same days in every cell: the orders submitted do not depend on the policy.
    const orders = result.summary.cells.map((c) => c.kpis.find((k) => k.id === 'orders')?.values);
    expect(orders[0]).toEqual(orders[1]);
    expect(result.summary.cells.some((c) => c.pareto)).toBe(true);
    // Results in any order, some twice, give the same summary.
    const plan = planSweep(SMALL, {}, ['rush.quotaShare=0.05,0.25'], options);
    const results = result.summary.cells.map((c) => ({
      id: c.id,
      summary: {
        scenario: SMALL.name,
        seed: 3,
        replications: 2,
        kpis: c.kpis,
        rushDecisions: { total: c.rushDecisions, days: [], quota: [] },
      },
    }));
    expect(JSON.stringify(combineSweep(plan, [...results].reverse().concat(results)))).toBe(
      JSON.stringify(result.summary),
    );
    const html = await renderSweepReport(result);
    expect(html.match(/<svg/g)).toHaveLength(2);
    expect(html).toContain('rush.quotaShare');
  });
});
