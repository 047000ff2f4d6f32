/**
 * Events on the durable scheduler (issue 18, item 7): a listener hears of a call only once it
 * is on disk; a write that fails tells nothing; reopening a store replays its journal and
 * tells nothing, so no client is told twice that their order is late. `deliver` and `advance`
 * are journaled like every state-changing call.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  createScheduler,
  type DurableScheduler,
  openScheduler,
  type SchedulerEvent,
  type Store,
  sqliteStore,
  verifyReplay,
} from '../../src/index.js';
import { closedAfterEach } from '../support/closing.js';
import { busyLab } from '../support/labs.js';
import { order, T } from '../support/orders.js';

const open = closedAfterEach();

function tempFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'rushline-events-')), 'lab.db');
}

async function openOn(store: string | Store): Promise<DurableScheduler> {
  const s = await openScheduler({ store, config: busyLab });
  open.push(s);
  return s;
}

function listen(s: DurableScheduler): string[] {
  const seen: string[] = [];
  const tag = (e: SchedulerEvent) => seen.push(`${e.type}:${'orderId' in e ? e.orderId : ''}`);
  for (const t of ['decision', 'late', 'started', 'finished', 'delivered'] as const) s.on(t, tag);
  return seen;
}

describe('durable events', () => {
  test('a listener hears of a call once it is committed, and reads the state it left', async () => {
    const s = await openOn(tempFile());
    const statuses: string[] = [];
    s.on('delivered', (e) => {
      statuses.push(s.explain(e.orderId).status);
    });
    // Told once the call is the journal's latest entry: the first decision after entry 1.
    const told: number[] = [];
    s.on('decision', () => told.push(s.journalSeq));
    const seen = listen(s);
    await s.submit(order({ id: 'e1', shipBy: T('10:00') }), T('09:00'));
    await s.next('print', T('09:00'));
    await s.complete('e1', T('09:20'));
    await s.deliver('e1', { via: 'ship', reference: 'SF-9' }, T('09:30'));
    expect(seen).toEqual(['decision:e1', 'started:e1', 'finished:e1', 'delivered:e1']);
    expect(told).toEqual([1]);
    expect(statuses).toEqual(['delivered']);
    expect(s.deliveryRegister()).toEqual([
      expect.objectContaining({ orderId: 'e1', reference: 'SF-9', onTime: true }),
    ]);
  });

  // A store that commits at once has one engine, whose events wait for the commit; a store
  // whose commit waits has two, and only the one for reads tells.
  test.each([true, false])(
    'a write that fails tells nothing (commits at once: %s)',
    async (atOnce) => {
      const file = tempFile();
      const inner = sqliteStore(file);
      let fail = false;
      const flaky: Store = {
        ...(atOnce ? { commitsAtOnce: true } : {}),
        description: inner.description,
        open: (o) => inner.open(o),
        append: (e, r) => (fail ? Promise.reject(new Error('disk full')) : inner.append(e, r)),
        saveSnapshot: (seq, snap) => inner.saveSnapshot(seq, snap),
        readHistory: () => inner.readHistory(),
        readRegisters: (since) => inner.readRegisters(since),
        close: () => inner.close(),
      };
      const s = await openOn(flaky);
      const seen = listen(s);
      await s.submit(order({ id: 'w1' }), T('09:00'));
      fail = true;
      await expect(s.submit(order({ id: 'w2' }), T('09:05'))).rejects.toMatchObject({
        code: 'write-failed',
      });
      expect(seen).toEqual(['decision:w1']);
      expect(() => s.explain('w2')).toThrow(/write failed/);
    },
  );

  test('deliver and advance are journaled and replay exactly; reopening fires nothing, and no alarm fires twice', async () => {
    const file = tempFile();
    const plain = createScheduler(busyLab);
    const s = await openOn(file);
    const seen = listen(s);
    const calls: [string, unknown[]][] = [
      ['submit', [order({ id: 'j1', quantity: 5 }), T('09:00')]],
      ['next', ['print', T('09:00')]],
      ['submit', [order({ id: 'j2', shipBy: T('11:00') }), T('09:00')]],
      ['complete', ['j1', T('09:10')]],
      ['deliver', ['j1', { via: 'pickup', shortItems: 2 }, T('09:30')]],
      ['advance', [T('11:30')]],
    ];
    for (const [name, args] of calls) {
      const durable = await (s as unknown as Record<string, (...a: unknown[]) => unknown>)[name]?.(
        ...args,
      );
      const answer = (plain as unknown as Record<string, (...a: unknown[]) => unknown>)[name]?.(
        ...args,
      );
      // A call without an answer (`advance`) answers undefined, as the engine does; the journal
      // holds null.
      expect(durable).toEqual(answer);
    }
    expect(seen).toEqual([
      'decision:j1',
      'started:j1',
      'decision:j2',
      'finished:j1',
      'delivered:j1',
      'late:j2',
    ]);
    await s.close();

    const reader = sqliteStore(file);
    await reader.open({ readOnly: true });
    expect((await verifyReplay(reader)).ok).toBe(true);
    await reader.close();

    // Reopened: the journal replays (snapshot and tail) without a word to anyone.
    const again = await openOn(file);
    const after = listen(again);
    expect(again.snapshot()).toEqual(plain.snapshot());
    // j2's promise passed before the reopening, and was told then: moving on tells only the new.
    await again.submit(order({ id: 'j3', shipBy: T('13:00') }), T('12:00'));
    await again.advance(T('14:00'));
    expect(after).toEqual(['decision:j3', 'late:j3']);
  });
});
