/**
 * Events across PostgreSQL nodes (issue 18, item 7): a standby follows the writer's journal
 * silently, since the writer's listeners were told, and, once it takes over, tells only what
 * happens from then on: a promise that passed under the old writer is not told late twice.
 */
import { describe, expect, test } from 'vitest';
import { openScheduler, postgresStore, type SchedulerEvent } from '../../src/index.js';
import { busyLab } from '../support/labs.js';
import { order, T } from '../support/orders.js';
import { PG_URL, pgDatabases, standby } from '../support/pg.js';

const freshDatabase = pgDatabases('rushline_events').fresh;

const tag = (seen: string[]) => (e: SchedulerEvent) =>
  seen.push(`${e.type}:${'orderId' in e ? e.orderId : ''}`);

describe.skipIf(!PG_URL)('PostgreSQL: events and the standby', () => {
  test('the standby following the writer fires nothing; after the takeover it tells only new events', async () => {
    const url = await freshDatabase();
    const a = await openScheduler({ store: postgresStore(url, { pollMs: 20 }), config: busyLab });
    const told: string[] = [];
    a.on('late', tag(told));
    a.on('decision', tag(told));
    await a.submit(order({ id: 'n1', shipBy: T('10:00') }), T('09:00'));
    const b = (await standby(postgresStore(url, { pollMs: 20 }), busyLab)).node;
    await a.submit(order({ id: 'n2', shipBy: T('12:00') }), T('09:05'));
    await a.advance(T('10:30'));
    await a.close();
    expect(told).toEqual(['decision:n1', 'decision:n2', 'late:n1']);
    const taken = await b;
    const after: string[] = [];
    taken.on('late', tag(after));
    taken.on('decision', tag(after));
    expect(after).toEqual([]);
    await taken.advance(T('12:30'));
    expect(after).toEqual(['late:n2']);
    await taken.close();
  });
});
