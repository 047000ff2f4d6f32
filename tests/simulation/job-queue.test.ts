/**
 * A sweep on several machines, on the real PostgreSQL server (`.ci/run` starts it and sets
 * RUSHLINE_PG_URL): the built `rushline sweep --queue` enqueues the cells, two `rushline worker`
 * processes run them, and one is killed with SIGKILL in the middle of a cell. Its job is run
 * again once its time is up, every cell is counted once, and the summary is byte for byte the
 * in-process sweep's. Nothing waits for a fixed time: each step polls for its condition.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { describe, expect, test } from 'vitest';
import { run } from '../support/cli.js';
import { PG_URL, pgDatabases } from '../support/pg.js';

if (!PG_URL && process.env.CI)
  throw new Error('RUSHLINE_PG_URL is not set: .ci/run starts PostgreSQL and sets it');

const CLI = fileURLToPath(new URL('../../dist/cli/rushline.js', import.meta.url));
const SMALL = fileURLToPath(new URL('../cli/fixtures/small.yaml', import.meta.url));
const freshDatabase = pgDatabases('rushline_sweep').fresh;

/** A spawned CLI process, its output gathered as it comes. */
function start(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { out: '', err: '' };
  child.stdout?.on('data', (d: Buffer) => {
    output.out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output.err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output, exited };
}

const stop = (child: ChildProcess) => {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
};

describe.skipIf(!PG_URL)('sweep on a PostgreSQL job queue', () => {
  test('two workers, one killed mid-cell: every cell counted once, the same summary as in-process', async () => {
    expect(existsSync(CLI), 'dist/cli/rushline.js: npm run build first').toBe(true);
    const url = await freshDatabase();
    const sweepArgs = [
      'sweep',
      '--scenario',
      SMALL,
      '--vary',
      'rush.quotaShare=0.05,0.25',
      '--vary',
      'rush.tightLoad=0.6,0.95',
      '--replications',
      '3',
      '--json',
    ];
    const local = await run(sweepArgs);
    expect(local.err).toBe('');
    expect(local.code).toBe(0);

    const sql = postgres(url, { max: 1, onnotice: () => undefined });
    const procs: ReturnType<typeof start>[] = [];
    try {
      const swept = start([...sweepArgs, '--queue', url, '--job-timeout', '3']);
      procs.push(swept);
      // Workers start once the sweep has made the queue and enqueued its cells.
      const jobs = async () => {
        try {
          const rows =
            await sql`SELECT id, data->>'cell' AS cell, state, retry_count FROM pgboss.job WHERE name = 'rushline-sweep'`;
          return rows as unknown as {
            id: string;
            cell: string;
            state: string;
            retry_count: number;
          }[];
        } catch {
          return [];
        }
      };
      await expect
        .poll(async () => (await jobs()).length, { timeout: 60_000, interval: 50 })
        .toBe(4);

      // The doomed worker starts alone, so the first cell is its own. It announces a cell before
      // it runs it (synchronously, for a few hundred milliseconds) and is killed as soon as the
      // line arrives, so it dies inside the cell; then the other worker starts.
      const doomed = start(['worker', '--queue', url, '--job-timeout', '3']);
      procs.push(doomed);
      await expect
        .poll(() => /^running (\S+)/m.test(doomed.output.out), { timeout: 60_000, interval: 5 })
        .toBe(true);
      doomed.child.kill('SIGKILL');
      const killedCell = (
        /^running (\S+)/m.exec(doomed.output.out) as RegExpExecArray
      )[1] as string;
      expect(await doomed.exited).toBe(null);
      expect(doomed.output.out).not.toMatch(/^done /m);
      const other = start(['worker', '--queue', url, '--job-timeout', '3']);
      procs.push(other);

      expect(await swept.exited, swept.output.err).toBe(0);
      // Byte for byte the in-process sweep's summary.
      expect(swept.output.out === local.out, 'the same summary JSON').toBe(true);
      const summary = JSON.parse(swept.output.out) as { cells: { id: string }[] };
      expect(new Set(summary.cells.map((c) => c.id)).size).toBe(4);

      const after = await jobs();
      expect(after.map((j) => j.state).sort()).toEqual([
        'completed',
        'completed',
        'completed',
        'completed',
      ]);
      // The killed worker's cell was taken again after its time ran out, and finished by the other.
      const killed = after.find((j) => j.cell === killedCell);
      expect(killed?.retry_count, `${killedCell} was retried`).toBeGreaterThanOrEqual(1);
      expect(other.output.out).toMatch(
        new RegExp(`^done ${killedCell.replace(/[.]/g, '\\.')} `, 'm'),
      );
      // Each cell has one result row while the sweep collects; the sweep removes its rows after.
      const left = await sql`SELECT count(*)::int AS n FROM rushline_sweep_results`;
      expect(left[0]?.n).toBe(0);
      stop(other.child);
      expect(await other.exited).toBe(0);
    } finally {
      for (const p of procs) stop(p.child);
      await Promise.all(procs.map((p) => p.exited));
      await sql.end();
    }
  }, 180_000);
});
