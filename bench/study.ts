/**
 * `study` on every core, and what it holds. Run with `npm run bench:study [orders] [timed]
 * [held] [modes]`: days of `orders` orders (default 100,000: the peak day scaled as
 * `bench:simulate` scales it), `timed` replications timed (default 16; 0 skips the timing),
 * `held` replications measured for memory (default 20), in the `modes` listed (default
 * `1,2,simulate`: study on 1 worker, on 2, and simulate; an empty list measures none).
 *
 * Speed: the `timed` replications on 1 worker, then on 2, in this process; their summaries
 * must be identical. Each run prints its wall time and the CPU time of the whole process (all
 * its threads): on a machine shared with other work the wall times say little, and the CPU
 * times still show what running on two threads costs over one. "Cores busy" is CPU time over
 * wall time: a lone worker keeps more than one core busy, because V8 compiles its code on
 * another thread. The bound that follows is the most 2 workers could gain over 1 with the CPU
 * time they took, spread perfectly over the cores (at most 2). Then what the machine itself
 * allows: the same days run by `simulate` in one process, against half of them in each of two
 * processes at once, which share nothing but the hardware.
 *
 * Memory: the peak resident memory of `held` replications against that of as many as there are
 * workers (1 for `simulate`), each in a process of its own (peak RSS is the process's, worker
 * threads included). A study holds one day per worker, so for a given number of workers its
 * peak should not grow with the replications.
 */
import { execFile, execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { simulate, study } from '../dist/index.js';
import { scaledPeakDay } from './peak-day.js';

const orders = Number(process.argv[2] ?? 100_000);
const timed = Number(process.argv[3] ?? 16);
const held = Number(process.argv[4] ?? 20);
const modes = (process.argv[5] ?? '1,2,simulate').split(',').filter((m) => m !== '');
const scenario = scaledPeakDay(orders, 3000);
// The runs here expect more orders than the default limit; none is held for long.
const maxOrders = 1e9;
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

if (process.argv[6] === '--solo') {
  // `--solo replications`: simulate's days in a process of its own; prints their wall ms.
  const t0 = performance.now();
  simulate(scenario, { seed: 1, replications: Number(process.argv[7]), maxOrders });
  process.stdout.write(String(performance.now() - t0));
} else if (process.argv[6] === '--rss') {
  // One measurement, in a process of its own: `--rss replications workers|simulate`.
  const replications = Number(process.argv[7]);
  const how = process.argv[8] as string;
  const options = { seed: 1, replications, maxOrders };
  if (how === 'simulate') simulate(scenario, options);
  else await study(scenario, { ...options, workers: Number(how) });
  process.stdout.write(String(process.resourceUsage().maxRSS * 1024));
} else {
  const times: Record<number, number> = {};
  const cpus: Record<number, number> = {};
  const summaries: Record<number, string> = {};
  for (const workers of timed > 0 ? [1, 2] : []) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const r = await study(scenario, { seed: 1, replications: timed, workers, maxOrders });
    const cpu = process.cpuUsage(cpu0);
    const wall = (performance.now() - t0) / 1000;
    times[workers] = wall;
    cpus[workers] = (cpu.user + cpu.system) / 1e6;
    summaries[workers] = JSON.stringify(r.summary);
    console.log(
      `${timed} replications of ${orders} orders on ${workers} worker${workers > 1 ? 's' : ''}: ${wall.toFixed(1)} s, CPU ${cpus[workers]?.toFixed(1)} s (${((cpus[workers] as number) / wall).toFixed(2)} cores busy)`,
    );
  }
  if (timed > 0) {
    console.log(
      `speed-up 2 workers / 1: ${((times[1] as number) / (times[2] as number)).toFixed(2)}×; summaries ${summaries[1] === summaries[2] ? 'identical' : 'DIFFERENT'}`,
    );
    // Two workers cannot finish sooner than their CPU time spread over every core: with the
    // CPU time they took, this is the most they could have gained on this machine.
    const cores = Math.min(2, availableParallelism());
    console.log(
      `at most ${(((times[1] as number) * cores) / (cpus[2] as number)).toFixed(2)}× with the CPU time 2 workers took, on ${cores} cores`,
    );
    // What the machine allows: the same days in separate processes, which share nothing but
    // the hardware. One process runs all of them; then two, at once, run half each.
    const solo = async (replications: number) =>
      Number(
        (
          await promisify(execFile)(process.execPath, [
            ...process.execArgv,
            process.argv[1] as string,
            String(orders),
            String(timed),
            String(held),
            '',
            '--solo',
            String(replications),
          ])
        ).stdout,
      ) / 1000;
    const alone = await solo(timed);
    const pair = await Promise.all([solo(timed / 2), solo(timed / 2)]);
    const together = Math.max(...pair);
    console.log(
      `the machine: ${timed} days in one process ${alone.toFixed(1)} s; ${timed / 2} each in two processes at once ${pair.map((t) => t.toFixed(1)).join(' and ')} s: ${(alone / together).toFixed(2)}×`,
    );
  }
  const rss = (replications: number, how: string) =>
    Number(
      execFileSync(
        process.execPath,
        [
          ...process.execArgv,
          process.argv[1] as string,
          String(orders),
          String(timed),
          String(held),
          modes.join(','),
          '--rss',
          String(replications),
          how,
        ],
        { encoding: 'utf8' },
      ),
    );
  for (const how of modes) {
    const base = how === 'simulate' ? 1 : Number(how);
    const few = rss(base, how);
    const many = rss(held, how);
    const label = how === 'simulate' ? 'simulate' : `study, ${how} worker${how === '1' ? '' : 's'}`;
    const days = (n: number) => `${n} replication${n > 1 ? 's' : ''}`;
    console.log(
      `peak RSS, ${label}: ${days(base)} ${mib(few)} MiB, ${days(held)} ${mib(many)} MiB (${(many / few).toFixed(2)}×)`,
    );
  }
}
