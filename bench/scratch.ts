/**
 * Where a benchmark keeps its files: the directory given (`--dir`), kept afterwards, or a new one
 * under the OS temp dir, removed when the benchmark ends. A 10⁵-order store is about 270 MB, and
 * a season's 800 MB; left behind by every run, they filled this machine's disk.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function scratchDir(prefix: string, given: string | undefined): string {
  if (given !== undefined) return given;
  const dir = mkdtempSync(join(tmpdir(), prefix));
  // On every way out, an error included; a kill by signal leaves it, as it leaves the run.
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
