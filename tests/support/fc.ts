/**
 * fast-check parameters for the project's properties: a fixed seed in CI so a run can be
 * replayed, a fresh one locally so new cases keep being tried. fast-check's failure message
 * always prints the seed and the shrunk counterexample.
 */
export const CI_SEED = 20261124;

export function fcParams(numRuns: number): { numRuns: number; seed?: number } {
  return process.env.CI ? { numRuns, seed: CI_SEED } : { numRuns };
}
