/**
 * fast-check parameters for the project's properties. Every run, local or in CI, uses the same
 * seed, so a failure seen once is seen again; `RUSHLINE_FC_SEED=<integer>` tries another.
 * fast-check's failure message prints the seed and the shrunk counterexample.
 */

/** The project's fixed seed: every run's, unless `RUSHLINE_FC_SEED` names another. */
export const FIXED_SEED = 20261124;

/** The seed of a run: `RUSHLINE_FC_SEED` when set, else the project's fixed one. */
export function seedFrom(env: string | undefined): number {
  if (env === undefined || env === '') return FIXED_SEED;
  if (!/^-?\d+$/.test(env) || !Number.isSafeInteger(Number(env)))
    throw new Error(`RUSHLINE_FC_SEED: expected an integer, received '${env}'`);
  return Number(env);
}

/** The seed of every property in this run (the name is from when only CI fixed it). */
export const CI_SEED = seedFrom(process.env.RUSHLINE_FC_SEED);

export function fcParams(numRuns: number): { numRuns: number; seed: number } {
  return { numRuns, seed: CI_SEED };
}
