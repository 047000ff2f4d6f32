/**
 * The long run of issue 16's property (tests/engine/hostile.test.ts): hostile programs (valid,
 * malformed and extreme-but-valid calls, ids such as `__proto__`) played on schedulers until at
 * least `--calls` calls were made, every invariant checked after every call. Prints the counts
 * and every kind of violation seen (with how often and the first program's seed index), and
 * exits 1 on any violation. Run with `npm run bench:hostile [-- --calls 100000 --seed 7]`.
 *
 * It runs the sources (not dist/): the checks are the test's own, and it measures no time.
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { CI_SEED } from '../tests/support/fc.js';
import { hostilePrograms, newTally, runHostile } from '../tests/support/hostile-stream.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '10000' },
    seed: { type: 'string', default: String(CI_SEED) },
  },
});
const target = Number(values.calls);
const seed = Number(values.seed);

const tally = newTally();
/**
 * Violations by kind (what went wrong, whatever the call; numbers and quoted values blanked, and
 * a difference without its texts): how many, and the first one in full with its program's number.
 */
const kinds = new Map<string, { count: number; first: string; program: number }>();
const kindOf = (v: string) =>
  (v.replace(/^(before )?call \d+ \w+:? /, '').split(': original …')[0] as string)
    .replace(/'[^']*'|"[^"]*"/g, '…')
    .replace(/\d[\d.e+-]*/g, 'N')
    .slice(0, 120);

const started = performance.now();
let program = 0;
let batch = 0;
while (tally.calls < target) {
  // Programs come in seeded batches, so any one can be drawn again: batch b, index i.
  const programs = fc.sample(hostilePrograms(), { numRuns: 100, seed: seed + batch });
  for (const p of programs) {
    for (const v of runHostile(p, tally)) {
      const k = kindOf(v);
      const seen = kinds.get(k);
      if (seen) seen.count++;
      else kinds.set(k, { count: 1, first: v, program });
    }
    program++;
    if (tally.calls >= target) break;
  }
  batch++;
}
const seconds = (performance.now() - started) / 1000;

const violations = [...kinds.values()].reduce((n, k) => n + k.count, 0);
console.log(`hostile streams, seed ${seed}: ${program} programs in ${seconds.toFixed(1)} s`);
console.log(`  labs refused (ValidationError)     ${tally.labsRefused}`);
console.log(`  calls                              ${tally.calls}`);
console.log(`    completed                        ${tally.completed}`);
console.log(`    ValidationError                  ${tally.validationErrors}`);
console.log(`    other errors                     ${tally.otherErrors}`);
console.log(`  reads that threw (not Validation)  ${tally.readErrors}`);
console.log(`  state changed under a throw        ${tally.stateChanged}`);
console.log(`  Object.prototype changed           ${tally.prototypeChanged}`);
console.log(`  snapshot/restore comparisons       ${tally.comparisons}`);
console.log(`    mismatches                       ${tally.mismatches}`);
console.log(`  violations                         ${violations}`);
for (const [kind, c] of Object.entries(tally.byCall))
  console.log(
    `    ${kind.padEnd(14)} completed ${String(c.completed).padStart(6)}, ValidationError ${String(c.validation).padStart(6)}, other ${c.other}`,
  );
console.log('  most frequent refusals (call: paths of the issues)');
for (const [why, n] of [...tally.refusals].sort((a, b) => b[1] - a[1]).slice(0, 12))
  console.log(`    ${String(n).padStart(6)}  ${why}`);
const sorted = [...kinds.entries()].sort((a, b) => b[1].count - a[1].count);
for (const [kind, k] of sorted.slice(0, 30)) {
  console.log(`\n${k.count}× ${kind}`);
  console.log(`   first in program ${k.program}: ${k.first.slice(0, 600)}`);
}
if (sorted.length > 30) console.log(`\n…and ${sorted.length - 30} kinds more`);
process.exitCode = violations > 0 ? 1 : 0;
