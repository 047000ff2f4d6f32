/**
 * Run by tests/store/sqlite-access.test.ts as a user the file permissions apply to (the tests
 * may run as root, whom they do not stop): for each case in argv[2] (JSON), `rushline
 * registers` or `rushline replay` on the store, or `openScheduler` on it and one submit.
 * Prints one JSON array of what each gave.
 */
import { openScheduler, StoreError } from '../../src/index.js';
import { run } from '../support/cli.js';
import { order, T } from '../support/orders.js';

export interface AccessCase {
  file: string;
  action: 'registers' | 'replay' | 'open';
}

export type AccessResult =
  | { action: 'registers' | 'replay'; code: number; out: string; err: string }
  | { action: 'open'; opened: boolean; error?: { name: string; code?: string; message: string } };

function described(e: unknown): { name: string; code?: string; message: string } {
  const error = e as Error;
  return {
    name: error.name,
    ...(e instanceof StoreError ? { code: e.code } : {}),
    message: error.message,
  };
}

const cases = JSON.parse(process.argv[2] as string) as AccessCase[];
const results: AccessResult[] = [];
for (const c of cases) {
  if (c.action !== 'open') {
    results.push({ action: c.action, ...(await run([c.action, '--store', c.file])) });
    continue;
  }
  try {
    const s = await openScheduler({ store: c.file, lab: 'access' });
    try {
      await s.submit(order({ id: 'late-1' }), T('11:00'));
      results.push({ action: 'open', opened: true });
    } catch (e) {
      results.push({ action: 'open', opened: true, error: described(e) });
    } finally {
      await s.close().catch(() => undefined);
    }
  } catch (e) {
    results.push({ action: 'open', opened: false, error: described(e) });
  }
}
process.stdout.write(JSON.stringify(results));
