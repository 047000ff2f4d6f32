/**
 * The PostgreSQL server of the tests: `RUSHLINE_PG_URL`, which `.ci/run` starts and sets. Each
 * test gets a database of its own, so that tests never see each other's journals and locks.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, expect } from 'vitest';
import {
  type DurableScheduler,
  openScheduler,
  type SchedulerConfig,
  type Store,
} from '../../src/index.js';

export const PG_URL = process.env.RUSHLINE_PG_URL;

/**
 * Makes fresh, empty databases named `<prefix>_<random>` on the server, and drops them all after
 * the calling file's tests. Without a server, `fresh` must not be called (skip the tests).
 */
export function pgDatabases(prefix: string): { fresh(): Promise<string> } {
  const admin = PG_URL ? postgres(PG_URL, { max: 1, onnotice: () => undefined }) : undefined;
  const made: string[] = [];
  afterAll(async () => {
    try {
      for (const name of made) await admin?.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } catch (e) {
      // Ending an autovacuum worker on the database takes pg_signal_backend.
      throw new Error(
        `dropping the test databases failed (${(e as Error).message}); grant pg_signal_backend to the test role, as .ci/run does`,
        { cause: e },
      );
    } finally {
      await admin?.end();
    }
    // Each drop waits for a checkpoint: around a second apiece on a busy machine.
  }, 120_000);
  return {
    async fresh() {
      if (!admin || !PG_URL) throw new Error('RUSHLINE_PG_URL is not set');
      const name = `${prefix}_${randomBytes(6).toString('hex')}`;
      await admin.unsafe(`CREATE DATABASE ${name}`);
      made.push(name);
      const url = new URL(PG_URL);
      url.pathname = `/${name}`;
      return url.toString();
    },
  };
}

/**
 * Opens a second node on `store` and waits until it says it is a standby (the writer still
 * holds the store). The node is the promise inside: it resolves when the node takes over.
 */
export async function standby(
  store: Store,
  config: SchedulerConfig,
): Promise<{ node: Promise<DurableScheduler> }> {
  let waiting = false;
  const node = openScheduler({
    store,
    config,
    onStandby: () => {
      waiting = true;
    },
  });
  await expect.poll(() => waiting, { interval: 20, timeout: 10_000 }).toBe(true);
  return { node };
}
