/**
 * The published surface: `rushline` and `rushline/testing` resolve through the `exports` map
 * to the built output (npm test builds first), and carry the names rules.md §8 promises.
 */
import { execFileSync } from 'node:child_process';
import { expect, test } from 'vitest';

test('rushline exports the §8 API from the built output', async () => {
  // Resolved by Node itself, as a program that depends on rushline would.
  const resolved = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "process.stdout.write(import.meta.resolve('rushline') + ' ' + import.meta.resolve('rushline/testing'))",
    ],
    { encoding: 'utf8' },
  );
  expect(resolved).toMatch(/\/dist\/index\.js \S+\/dist\/testing\/index\.js$/);
  const lib = await import('rushline');
  for (const name of [
    'createScheduler',
    'restoreScheduler',
    'defaultPolicy',
    'parsePolicy',
    'ValidationError',
  ]) {
    expect(lib, name).toHaveProperty(name);
  }
  const s = lib.createScheduler();
  for (const method of [
    'submit',
    'submitBatch',
    'next',
    'complete',
    'setCapacity',
    'plan',
    'explain',
    'rushRegister',
    'reworkRegister',
    'overdueRework',
    'snapshot',
  ]) {
    expect(typeof (s as unknown as Record<string, unknown>)[method], method).toBe('function');
  }
  expect(s.lineIds()).toEqual(['print', 'album', 'crystal', 'frame']);
});

test('rushline/testing exports the kit', async () => {
  const kit = await import('rushline/testing');
  expect(Object.keys(kit).sort()).toEqual([
    'LineDriver',
    'arbitraries',
    'assertGuarantees',
    'checkGuarantees',
    'checkMonotoneFairness',
    'fairnessCases',
    'runTrace',
    'schedulerCommands',
  ]);
  expect(typeof kit.arbitraries.orderStreams).toBe('function');
});
