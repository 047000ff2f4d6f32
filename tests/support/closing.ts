import { afterEach } from 'vitest';
import type { DurableScheduler } from '../../src/index.js';

/**
 * A list for the durable schedulers a test file opens: each is closed after its test, a failed
 * test's too, so that no store stays open into the next test.
 */
export function closedAfterEach(): DurableScheduler[] {
  const open: DurableScheduler[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close().catch(() => undefined);
  });
  return open;
}
