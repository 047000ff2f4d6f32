/**
 * One engine or two (issue 19): a store that commits inside `append` (SQLite, memory) gets one
 * engine, whose events wait for the commit; a store whose commit waits gets two. Either way the
 * durable scheduler must be the plain engine on disk: the same answers, the same refusals, the
 * same events in the same order, told only once committed, and a reopened store the same
 * state, and register tables that hold what the engine's registers hold. Streams of a lab's
 * whole day (rushes, holds, cancellations, amendments, lines going down, hand-overs), recorded
 * on a plain engine and replayed on each.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { JOURNALED } from '../../src/durable/calls.js';
import {
  createScheduler,
  type DeliveryRecord,
  EVENT_TYPES,
  memoryStore,
  openScheduler,
  type Scheduler,
  type SchedulerEvent,
} from '../../src/index.js';
import { arbitraries, LineDriver } from '../../src/testing/index.js';
import { closedAfterEach } from '../support/closing.js';
import { CI_SEED, FIXED_SEED, fcParams } from '../support/fc.js';
import { busyLab } from '../support/labs.js';
import { committingLater } from '../support/stores.js';

const open = closedAfterEach();

/** The state-changing calls: what the plain engine records and the durable one replays. */
const CALLS = new Set(Object.keys(JOURNALED));

/** Days drawn for each store. */
const RUNS = 15;

interface Recorded {
  name: string;
  args: unknown[];
  answer?: unknown;
  refused?: string;
}

/** The plain engine, recording every state-changing call made through it and its answer. */
function recording(plain: Scheduler, log: Recorded[]): Scheduler {
  return new Proxy(plain, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof key !== 'string' || !CALLS.has(key) || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const entry: Recorded = { name: key, args: structuredClone(args) };
        log.push(entry);
        try {
          const answer = value.apply(target, args);
          entry.answer = structuredClone(answer);
          return answer;
        } catch (e) {
          entry.refused = (e as Error).name;
          throw e;
        }
      };
    },
  });
}

/** Every event a scheduler tells, as `type:orderId`, with `stamp()` when it was told. */
function heard(s: { on: Scheduler['on'] }, stamp: () => number): [string, number][] {
  const out: [string, number][] = [];
  for (const type of EVENT_TYPES)
    if (type !== 'listener-error')
      s.on(type, (e: SchedulerEvent) => {
        out.push([`${e.type}:${'orderId' in e ? e.orderId : ''}`, stamp()]);
      });
  return out;
}

describe.each([
  ['one engine (commits at once)', () => memoryStore(), busyLab],
  ['two engines (commit waits)', () => committingLater(memoryStore()), busyLab],
  // Every order leaves memory at the first call at or after its finish: hand-overs and the
  // calls that forget what they touch.
  [
    'one engine, orders forgotten as they finish',
    () => memoryStore(),
    { ...busyLab, retention: 0 },
  ],
])('the durable scheduler with %s is the plain engine on disk', (_, makeStore, lab) => {
  test('answers, refusals and events alike, events told once committed, reopened alike', async () => {
    const kinds = new Set<string>();
    let told = 0;
    let checkpointed = 0;
    let tabled = 0;
    const days = arbitraries.orderStreams(lab, {
      companyShare: 0.1,
      lifecycle: true,
      lifeChanges: true,
      capacityChanges: true,
      linesDown: true,
      clients: 5,
    });
    // The fixed seed's days make every kind of call; under another seed they are run too, so
    // that the coverage check below holds whatever that seed draws (seed 3 draws no release).
    const examples =
      CI_SEED === FIXED_SEED
        ? []
        : fc.sample(days, { seed: FIXED_SEED, numRuns: RUNS }).map((d) => [d] as [typeof d]);
    await fc.assert(
      fc.asyncProperty(days, async (stream) => {
        // The day on a plain engine, every call recorded, and each event with the number of
        // the call it came in.
        const plain = createScheduler(lab);
        const log: Recorded[] = [];
        const expected = heard(plain, () => log.length);
        const driver = new LineDriver(recording(plain, log));
        for (const item of [...stream].sort((a, b) => a.at - b.at)) {
          driver.until(item.at);
          driver.apply(item);
          driver.startIdle(item.at);
        }
        driver.stop();
        for (const call of log) kinds.add(call.refused ? `${call.name} refused` : call.name);

        // The same calls on the durable scheduler, one after another.
        const store = makeStore();
        const s = await openScheduler({ store, config: lab, snapshotEvery: 7 });
        open.push(s);
        const events = heard(s, () => s.journalSeq);
        for (const call of log) {
          const run = (s as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[
            call.name
          ] as (...a: unknown[]) => Promise<unknown>;
          const answer = await run.apply(s, call.args).then(
            (a) => ({ answer: a }),
            (e: Error) => ({ refused: e.name }),
          );
          expect(answer, `${call.name} ${JSON.stringify(call.args)}`).toEqual(
            call.refused === undefined ? { answer: call.answer } : { refused: call.refused },
          );
        }
        // The same events in the same order, each told once its call was committed: the
        // journal's latest entry is then that call's (a refused call journals nothing).
        const entryOf: number[] = [0];
        for (const call of log) entryOf.push((entryOf.at(-1) as number) + (call.refused ? 0 : 1));
        expect(events).toEqual(expected.map(([name, call]) => [name, entryOf[call]]));
        told += events.length;
        expect(s.snapshot()).toEqual(plain.snapshot());
        // The register tables hold what the plain engine's registers hold (a day is within
        // its retention), entries and marks alike, in the tables' order; without retention,
        // the delivery table holds every hand-over answered.
        const inOrder = <T extends { orderId: string }>(at: (x: T) => number, xs: T[]) =>
          [...xs].sort(
            (a, b) =>
              at(a) - at(b) || Buffer.compare(Buffer.from(a.orderId), Buffer.from(b.orderId)),
          );
        const table = async (kind: 'rush' | 'rework' | 'delivery') =>
          (await s.queryRegister(kind as 'rush', { limit: 10_000 })).entries as unknown[];
        const handovers =
          lab.retention === 0
            ? log
                .filter((c) => c.name === 'deliver' && c.refused === undefined)
                .map((c) => c.answer as DeliveryRecord)
            : plain.deliveryRegister();
        expect(await table('delivery')).toEqual(inOrder((d) => d.deliveredAt, handovers));
        tabled += handovers.length;
        if (lab.retention !== 0) {
          expect(await table('rush')).toEqual(inOrder((r) => r.requestedAt, plain.rushRegister()));
          expect(await table('rework')).toEqual(
            inOrder((r) => r.registeredAt, plain.reworkRegister()),
          );
        }
        if (s.checkpointSeq > 0) checkpointed++;
        await s.close();
        const again = await openScheduler({ store });
        open.push(again);
        expect(again.snapshot()).toEqual(plain.snapshot());
      }),
      { ...fcParams(RUNS), examples },
    );
    // The streams were whole days: every kind of call, refusals, events, and checkpoints.
    // (The streams make no batches and register no clients. Without retention, a finished
    // order has left memory by the time a dispatch run comes, which then hands nothing over.)
    const forgetful = lab.retention === 0;
    for (const kind of CALLS)
      if (kind !== 'submitBatch' && kind !== 'setClient' && !(forgetful && kind === 'deliver'))
        expect(kinds).toContain(kind);
    expect([...kinds].some((k) => k.endsWith('refused'))).toBe(true);
    expect(told).toBeGreaterThan(100);
    expect(checkpointed).toBeGreaterThan(5);
    if (!forgetful)
      expect(tabled, 'hand-overs compared with the delivery table').toBeGreaterThan(10);
  });
});
