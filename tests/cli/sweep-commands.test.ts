/**
 * `rushline sweep` and `rushline worker` in-process: the summary is the API's, a bad `--vary`
 * is one message naming it, and a worker without its queue is refused. The distributed sweep
 * itself is tested on PostgreSQL in tests/simulation/job-queue.test.ts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parseScenarioText } from '../../src/simulation/load.js';
import { sweep } from '../../src/simulation/sweep.js';
import { run } from '../support/cli.js';

const SMALL = fileURLToPath(new URL('./fixtures/small.yaml', import.meta.url));

describe('rushline sweep', () => {
  test('--json prints the summary sweep() gives; the table stars the front', async () => {
    const args = ['sweep', '--scenario', SMALL, '--vary', 'rush.quotaShare=0.05:0.25:0.2'];
    const json = await run([...args, '--replications', '2', '--json']);
    expect(json.err).toBe('');
    expect(json.code).toBe(0);
    const scenario = parseScenarioText(readFileSync(SMALL, 'utf8'), { file: SMALL });
    const api = sweep(scenario, {}, ['rush.quotaShare=0.05,0.25'], { replications: 2 });
    expect(json.out).toBe(`${JSON.stringify(api.summary)}\n`);
    const table = await run([...args, '--replications', '2']);
    expect(table.code).toBe(0);
    const starred = table.out.split('\n').filter((l) => /\*$/.test(l));
    expect(starred.length).toBe(api.summary.cells.filter((c) => c.pareto).length);
    expect(table.out).toContain('rush.quotaShare=0.25');
  });

  test('a bad --vary, a missing one, and a policy value out of range are one message each, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [[], /--vary: sweep needs at least one, e\.g\. --vary rush\.quotaShare=0\.1:0\.4:0\.05/],
      [
        ['--vary', 'rush.nope=1,2'],
        /--vary rush\.nope=1,2: expected the path of a number in the policy \(.*\), received 'rush\.nope'/,
      ],
      [
        ['--vary', 'rush.quotaShare=0.4:0.1:0.1'],
        /--vary rush\.quotaShare=0\.4:0\.1:0\.1: rush\.quotaShare: expected END at least START/,
      ],
      [
        ['--vary', 'rush.tightLoad=0.5,1.5'],
        /rush\.tightLoad: in the cell rush\.tightLoad=1\.5: must be between 0 and 1/,
      ],
    ];
    for (const [extra, message] of cases) {
      const r = await run(['sweep', '--scenario', SMALL, ...extra]);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  test('worker needs --queue', async () => {
    const r = await run(['worker']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--queue: worker needs the job queue, a postgres:\/\/ URL/);
  });
});
