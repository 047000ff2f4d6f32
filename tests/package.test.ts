/**
 * The published surface: `rushline`, `rushline/durable`, `rushline/simulation` and
 * `rushline/testing` resolve through the `exports` map to the built output (npm test builds
 * first), and carry the names rules.md §8, the README and docs/api.md promise.
 *
 * And the package as a user gets it: `npm pack`'s tarball installed into an empty project has
 * no database driver and no chart library (optional peer dependencies), the engine works
 * there, and each feature that needs one of them fails saying which and how to install it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

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
    // The edges, named by rules.md §8, the README and docs/api.md.
    'openScheduler',
    'DurableScheduler',
    'sqliteStore',
    'postgresStore',
    'memoryStore',
    'verifyReplay',
    'StoreError',
    'MissingPackageError',
    'simulate',
    'study',
    'scenarios',
    'comparePolicies',
    'renderReport',
    'parsePolicyText',
    'parseScenarioText',
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

test('rushline/durable and rushline/simulation group the edges; rushline exports each of their names', async () => {
  const lib = (await import('rushline')) as Record<string, unknown>;
  const durable = (await import('rushline/durable')) as Record<string, unknown>;
  const simulation = (await import('rushline/simulation')) as Record<string, unknown>;
  expect(Object.keys(durable)).toEqual(
    expect.arrayContaining(['openScheduler', 'sqliteStore', 'postgresStore', 'StoreError']),
  );
  expect(Object.keys(simulation)).toEqual(
    expect.arrayContaining(['simulate', 'scenarios', 'comparePolicies', 'renderReport']),
  );
  for (const entry of [durable, simulation])
    for (const [name, value] of Object.entries(entry)) expect(lib[name], name).toBe(value);
});

describe('npm pack, installed into an empty project', () => {
  const OPTIONAL = ['better-sqlite3', 'postgres', 'echarts', 'pg-boss'];
  let project: string;

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'rushline-installed-'));
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', project], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ) as { filename: string }[];
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'lab-service', version: '1.0.0', private: true, type: 'module' }),
    );
    execFileSync(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        join(project, (packed[0] as { filename: string }).filename),
      ],
      { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
  }, 180_000);

  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  test('study runs its worker threads from the installed package, with simulate’s summary', () => {
    const script = `
      import { averageDay, simulate, study } from 'rushline/simulation';
      const options = { seed: 2, replications: 2 };
      const a = await study(averageDay, { ...options, workers: 2 });
      const b = simulate(averageDay, options);
      process.stdout.write(String(JSON.stringify(a.summary) === JSON.stringify(b.summary)));`;
    expect(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: project,
        encoding: 'utf8',
      }),
    ).toBe('true');
  });

  test('it installs no database driver and no chart library', () => {
    expect(existsSync(join(project, 'node_modules', 'rushline', 'dist', 'index.js'))).toBe(true);
    for (const name of OPTIONAL)
      expect(existsSync(join(project, 'node_modules', name)), `node_modules/${name}`).toBe(false);
  });

  test('createScheduler submits and plans there; each edge fails naming its package and how to install it', () => {
    const script = `
      import * as lib from 'rushline';
      import * as durable from 'rushline/durable';
      import * as simulation from 'rushline/simulation';
      const s = lib.createScheduler();
      const at = '2026-11-24T09:15:00+08:00';
      const d = s.submit({ id: 'A-1', clientId: 'c', tier: 'regular', product: 'print', quantity: 40, uploadedAt: at }, at);
      const failure = (p) => p.then(
        () => 'no error',
        (e) => ({ name: e.name, packageName: e.packageName, message: e.message }),
      );
      process.stdout.write(JSON.stringify({
        outcome: d.outcome,
        plan: s.plan().map((e) => e.orderId),
        sqlite: await failure(lib.openScheduler({ store: 'x.db' })),
        postgres: await failure(durable.postgresStore('postgres://lab@127.0.0.1/lab').open({})),
        echarts: await failure(simulation.renderReport({})),
        'pg-boss': await failure(simulation.runWorker({ url: 'postgres://lab@127.0.0.1/lab' })),
      }));`;
    const out = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: project,
        encoding: 'utf8',
      }),
    );
    expect(out.outcome).toBe('queued');
    expect(out.plan).toEqual(['A-1']);
    const { peerDependencies } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      peerDependencies: Record<string, string>;
    };
    for (const name of OPTIONAL) {
      const failed = out[name === 'better-sqlite3' ? 'sqlite' : name];
      expect(failed).toMatchObject({ name: 'MissingPackageError', packageName: name });
      expect(failed.message).toContain(`needs the optional package ${name}`);
      expect(failed.message).toContain(`npm install ${name}@${peerDependencies[name]}`);
    }
    expect(out.sqlite.message).toMatch(/^the SQLite store x\.db needs/);
    // Refused before anything was made.
    expect(existsSync(join(project, 'x.db'))).toBe(false);
  });
});
