/**
 * The `rushline` command, called in-process: exit codes, the summary, the report only when
 * everything succeeded, and file positions in errors.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { run } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rushline-cli-'));
/** The small scenario the CLI tests run. */
const SMALL = new URL('./fixtures/small.yaml', import.meta.url).pathname;

/** Writes the small scenario with `from` replaced by `to` as `name` in the test folder; its path. */
function smallWith(name: string, from: string, to: string): string {
  const file = join(dir, name);
  writeFileSync(file, readFileSync(SMALL, 'utf8').replace(from, to));
  return file;
}

describe('rushline simulate', () => {
  test('prints the summary and writes a self-contained report', async () => {
    const report = join(dir, 'avg.html');
    const r = await run([
      'simulate',
      '--scenario',
      'averageDay',
      '--seed',
      '3',
      '--report',
      report,
    ]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('Average day');
    expect(r.out).toContain('Key clients finished on time');
    expect(r.out).toContain(`Report written to ${report}`);
    const html = readFileSync(report, 'utf8');
    expect(html.match(/<svg/g)?.length).toBe(9);
    // Nothing to fetch: no script, no external reference.
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
  });

  test('--json prints the whole result, the same for the same seed', async () => {
    const a = await run(['simulate', '--scenario', 'averageDay', '--seed', '9', '--json']);
    const b = await run(['simulate', '--scenario', 'averageDay', '--seed', '9', '--json']);
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    const result = JSON.parse(a.out);
    expect(result.summary.seed).toBe(9);
    expect(result.orders.length).toBeGreaterThan(100);
  });

  test('--workers: the built command on 2 workers prints what 1 worker prints in-process', async () => {
    const args = ['simulate', '--scenario', SMALL, '--replications', '3', '--json'];
    const one = await run([...args, '--workers', '1']);
    expect([one.code, one.err]).toEqual([0, '']);
    // The built command's workers load the built worker module, as an installed package's do,
    // under a V8 option that a worker cannot take (bench:simulate caps the heap so).
    const built = new URL('../../dist/cli/rushline.js', import.meta.url).pathname;
    const two = execFileSync(
      process.execPath,
      ['--max-old-space-size=800', built, ...args, '--workers', '2'],
      { encoding: 'utf8' },
    );
    expect(two).toBe(one.out);
    const zero = await run([...args, '--workers', '0']);
    expect(zero.code).toBe(2);
    expect(zero.err).toContain("--workers: expected a whole number of at least 1, received '0'");
  });

  test('a bad scenario file: exit 2, the field and its line, and no report', async () => {
    const file = smallWith('bad.yaml', 'perHour: 20', 'perHour: -3');
    const report = join(dir, 'bad.html');
    const r = await run(['simulate', '--scenario', file, '--report', report]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}:5:3: arrivals.perHour:`);
    expect(existsSync(report)).toBe(false);
    expect(r.out).toBe('');
  });

  test('a scenario file and a policy file together', async () => {
    const policy = join(dir, 'strict.yaml');
    writeFileSync(policy, 'rush:\n  quotaShare: 0.01\n  keyReserveShare: 0\n');
    const r = await run(['simulate', '--scenario', SMALL, '--policy', policy, '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out);
    expect(result.scenario.policy.rush.quotaShare).toBe(0.01);
  });

  test('a scenario file named like an Object method is read as a file, not looked up', async () => {
    const here = mkdtempSync(join(tmpdir(), 'rushline-cli-'));
    writeFileSync(join(here, 'constructor'), readFileSync(SMALL));
    const cwd = process.cwd();
    process.chdir(here);
    try {
      const r = await run(['simulate', '--scenario', 'constructor', '--json']);
      expect([r.code, r.err]).toEqual([0, '']);
      expect(JSON.parse(r.out).scenario.name).toBe(
        JSON.parse((await run(['simulate', '--scenario', SMALL, '--json'])).out).scenario.name,
      );
    } finally {
      process.chdir(cwd);
    }
  });

  test('usage errors exit 2 and say what was expected', async () => {
    const r = await run(['simulate', '--seed', 'soon']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--seed: expected a whole number of at least 0, received 'soon'");
    expect((await run(['simulate', '--colour'])).code).toBe(2);
    expect((await run(['explode'])).code).toBe(2);
    expect((await run(['simulate', '--scenario', join(dir, 'nope.yaml')])).err).toContain(
      'cannot read',
    );
  });
});

describe('rushline compare', () => {
  test('two policies on the same days, with the differences and their intervals', async () => {
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.yaml');
    writeFileSync(a, '{}\n');
    writeFileSync(b, 'rush:\n  sameDayCutoff: "12:00"\n');
    const args = [
      'compare',
      '--scenario',
      'averageDay',
      '--policy',
      a,
      '--policy',
      b,
      '--replications',
      '4',
    ];
    const r = await run(args);
    expect(r.code).toBe(0);
    expect(r.out).toContain('B − A [95% interval]');
    const line = r.out.split('\n').find((l) => l.startsWith('Accepted, same-day'));
    expect(line).toBeDefined();
    const json = await run([...args, '--json']);
    const parsed = JSON.parse(json.out);
    const sameDay = parsed.differences[0].find(
      (d: { id: string }) => d.id === 'rushAcceptance.urgency.same-day',
    );
    // An earlier cutoff declines more same-day rushes, on the very same orders.
    expect(sameDay.mean).toBeLessThan(0);
    expect(sameDay.significant).toBe(true);
  });

  test('compare needs two policies', async () => {
    const r = await run(['compare', '--policy', 'x.yaml']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--policy: compare needs at least two');
  });
});

describe('the front door', () => {
  const version = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  ).version;

  test('every subcommand answers --help with its usage and exit 0', async () => {
    for (const command of ['simulate', 'compare', 'registers', 'replay', 'checkpoint']) {
      for (const args of [
        [command, '--help'],
        [command, '-h'],
        ['help', command],
      ]) {
        const r = await run(args);
        expect(r.code, args.join(' ')).toBe(0);
        expect(r.err).toBe('');
        expect(r.out).toContain(`rushline ${command} `);
      }
    }
    // Help wins over anything else on the line.
    expect((await run(['simulate', '--colour', '--help'])).code).toBe(0);
    const all = await run(['--help']);
    expect(all.code).toBe(0);
    for (const command of ['simulate', 'compare', 'registers', 'replay', 'checkpoint'])
      expect(all.out).toContain(`rushline ${command} `);
  });

  test('--version prints the version of the package, from the sources and from the build', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, out: `${version}\n`, err: '' });
    const built = new URL('../../dist/cli/rushline.js', import.meta.url).pathname;
    expect(execFileSync(process.execPath, [built, '--version'], { encoding: 'utf8' })).toBe(
      `${version}\n`,
    );
  });

  test('a mistyped built-in scenario name lists the built-in names', async () => {
    const r = await run(['simulate', '--scenario', 'peakday']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      "--scenario: 'peakday' is not a built-in scenario (season, peakDay, averageDay, breakdown; did you mean peakDay?) nor a file",
    );
    expect(r.err).not.toContain('ENOENT');
    // Names of Object.prototype are not scenarios either.
    expect((await run(['simulate', '--scenario', 'toString'])).err).toContain(
      "'toString' is not a built-in scenario",
    );
  });

  test('bad input of every kind exits 2 with one message and no stack trace', async () => {
    const alias = join(dir, 'alias.yaml');
    writeFileSync(alias, 'rush:\n  quotaShare: *nope\n');
    const set = join(dir, 'set.yaml');
    writeFileSync(set, 'rush: !!set {a, b}\n');
    const huge = smallWith(
      'huge.yaml',
      'album: { dist: fixed, value: 1 }',
      'album: { dist: fixed, value: 1e12 }',
    );
    const cases: [string[], string][] = [
      [
        ['simulate', '--policy', alias],
        `${alias}:2:15: rush.quotaShare: alias *nope has no anchor`,
      ],
      [['simulate', '--policy', set], `${set}:1:13: rush: the YAML tag !!set is not supported`],
      [
        ['simulate', '--scenario', huge],
        'mix.quantity.album.value: must be a whole number from 1 to 1000000',
      ],
      [
        ['simulate', '--replications', '10000'],
        'replications: must be a whole number from 1 to 1000, received 10000',
      ],
      [['simulate', '--max-orders', '100'], 'raise maxOrders (--max-orders)'],
      [
        ['simulate', '--report', join(dir, 'no-such-dir', 'r.html')],
        `cannot write '${join(dir, 'no-such-dir', 'r.html')}'`,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toContain(message);
      expect(r.err, args.join(' ')).not.toMatch(/\n\s+at /);
      expect(r.out).toBe('');
    }
  });

  test('--max-orders raises the limit for a bigger run', async () => {
    const r = await run([
      'simulate',
      '--scenario',
      'averageDay',
      '--replications',
      '2',
      '--max-orders',
      '300',
      '--json',
    ]);
    expect(r.code).toBe(2);
    const ok = await run([
      'simulate',
      '--scenario',
      'averageDay',
      '--replications',
      '2',
      '--max-orders',
      '1000',
      '--json',
    ]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).summary.replications).toBe(2);
  });
});
