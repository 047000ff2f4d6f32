/**
 * Every `ts` code block of the README and docs/ runs as written, against the built package
 * (`import … from 'rushline'` resolves through the exports map), so the examples a newcomer
 * copies cannot rot.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const root = join(import.meta.dirname, '..');
const files = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
];
const blocks = files.flatMap((file) =>
  [...readFileSync(join(root, file), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m, i) => ({
    name: `${file} block ${i + 1}`,
    code: m[1] as string,
  })),
);

test('the docs have code examples', () => {
  expect(blocks.length).toBeGreaterThan(0);
});

test.each(blocks)('$name runs', ({ code }) => {
  // The file sits in the project so that 'rushline' resolves to this package.
  const dir = mkdtempSync(join(root, '.docs-'));
  try {
    const file = join(dir, 'example.mts');
    writeFileSync(file, code);
    execFileSync(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      stdio: 'pipe',
      encoding: 'utf8',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every scenario written out in docs/simulation.md is a valid scenario', async () => {
  const { parseScenarioText } = await import('../src/index.js');
  const text = readFileSync(join(root, 'docs', 'simulation.md'), 'utf8');
  const yaml = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  expect(yaml.length).toBeGreaterThan(0);
  for (const block of yaml) expect(() => parseScenarioText(block, { file: 'docs' })).not.toThrow();
});

test('every file and folder docs/architecture.md names exists, so the map stays true', () => {
  const text = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
  // Paths in backticks: `engine/decide.ts` and `queue/` are under src/, `rushline/durable` is an
  // entry point of package.json, the others are from the root.
  const named = [...text.matchAll(/`([\w.-]+\/[\w./-]*)`/g)].map((m) => m[1] as string);
  const fromRoot = /^(src|tests|bench|docs|shared)\//;
  const exports = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports;
  const missing = named.filter((p) => {
    if (p.startsWith('rushline/')) return !(`./${p.slice('rushline/'.length)}` in exports);
    if (p === '_internal/') return false; // the kind of folder, not one folder
    if (p.startsWith('shared/')) return !existsSync(join(root, '..', p));
    return !existsSync(join(root, fromRoot.test(p) ? p : join('src', p)));
  });
  expect(named.length).toBeGreaterThan(20);
  expect(missing).toEqual([]);
});
