/**
 * `assertGuarantees(config, fcParams?)`: every guarantee of rules.md §7 that a configuration
 * can break, as fast-check properties over generated days. It throws fast-check's own error
 * (the seed, the shrunk counterexample, and the kit's sentences saying what broke) when one
 * fails, so it drops into any test runner.
 */
import fc from 'fast-check';
import type { SchedulerConfig } from '../engine/config.js';
import { resolveConfig } from '../engine/config.js';
import { orderStreams } from './arbitraries.js';
import { checkGuarantees } from './check-guarantees.js';
import { checkMonotoneFairness, fairnessCases } from './fairness.js';
import { runTrace } from './run-trace.js';

/** fast-check's run parameters, as `fc.assert` takes them. */
export type FcParams = fc.Parameters<unknown>;

class GuaranteeBroken extends Error {
  override readonly name = 'GuaranteeBroken';
}

/**
 * Checks, on days generated for `config`:
 * 1. first uploaded, first made; company rushes first; promises kept; no silent delay; the
 *    quota; every order accounted for (read off each day's trace by `checkGuarantees`), on
 *    days with company rushes and capacity changes;
 * 2. monotone fairness (tier, recent rushes, quantity, capacity), which custom gates can break.
 *
 * `fcParams` applies to each property. @default { numRuns: 100, includeErrorInReport: true }
 */
export function assertGuarantees(config: SchedulerConfig = {}, fcParams: FcParams = {}): void {
  resolveConfig(config);
  const params = { numRuns: 100, includeErrorInReport: true, ...fcParams } as fc.Parameters<
    [unknown]
  >;
  fc.assert(
    fc.property(
      orderStreams(config, { companyShare: 0.1, capacityChanges: true, maxGapMinutes: 15 }),
      (day) => {
        const broken = checkGuarantees(runTrace(config, day));
        if (broken.length > 0)
          throw new GuaranteeBroken(broken.map((v) => `[${v.guarantee}] ${v.message}`).join('\n'));
      },
    ) as fc.IProperty<[unknown]>,
    params,
  );
  fc.assert(
    fc.property(fairnessCases(config), (c) => {
      const broken = checkMonotoneFairness(config, c);
      if (broken.length > 0) {
        // One sentence per kind of breach: the variants of one breach say the same thing.
        const first = broken.filter(
          (v, i) => broken.findIndex((w) => w.dimension === v.dimension) === i,
        );
        const more = broken.length - first.length;
        throw new GuaranteeBroken(
          `${first.map((v) => `[${v.guarantee}: ${v.dimension}] ${v.message}`).join('\n')}${more > 0 ? `\n(and ${more} more of the same kind, for other tiers or products)` : ''}`,
        );
      }
    }) as fc.IProperty<[unknown]>,
    params,
  );
}
