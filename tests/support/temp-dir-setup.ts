/**
 * vitest's global setup: every temporary file or store a test run makes, in its own processes
 * and in the programs its tests start, goes into one directory of the run's own, which is
 * removed when the run ends. Before, each run left a few hundred directories of 40–80 KB in the
 * system's temporary directory (15,000 had built up on the development machine, 4.5 GB).
 *
 * `os.tmpdir()` reads `TMPDIR`, which the test processes vitest starts after this setup, and the
 * programs they start, inherit. Some tests make directories read-only (an unwritable store):
 * they are made writable again before the removal, which a user other than root needs.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'rushline-tests-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    writable(dir);
    rmSync(dir, { recursive: true, force: true });
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  };
}

/** Gives the owner write access to `dir` and every directory below it. */
function writable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true }))
    if (entry.isDirectory()) writable(join(dir, entry.name));
}
