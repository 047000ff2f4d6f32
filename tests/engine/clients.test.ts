/**
 * Registered clients (issue 18, item 8): the lab's situation was the same client accepted as
 * `regular` at 09:00 and as `key` at 09:05, which the handbook's fair treatment (公平对待)
 * forbids. A registered client's orders carry its tier; `setClient` registers or changes it,
 * whole or not at all; and registration survives a snapshot.
 */
import { describe, expect, test } from 'vitest';
import {
  createScheduler,
  restoreScheduler,
  type Scheduler,
  type SchedulerConfig,
  type Snapshot,
  type Tier,
} from '../../src/index.js';
import { expectPrototypeUntouched } from '../support/hostile.js';
import { issuesOf } from '../support/issues.js';
import { order, T } from '../support/orders.js';

const studio: SchedulerConfig = { clients: [{ id: 'studio-7', tier: 'key' }] };

describe('a registered client is one tier', () => {
  test("today's mix-up: studio-7 is registered as key, so its 'regular' order minutes later is refused and nothing changes", () => {
    const s = createScheduler(studio);
    const first = s.submit(
      order({ id: 'a1', clientId: 'studio-7', tier: 'key', rush: { urgency: 'same-day' } }),
      T('09:00'),
    );
    expect(first.outcome).toBe('rush-accepted');
    const before = s.snapshot();
    const issues = issuesOf(() =>
      s.submit(
        order({ id: 'a2', clientId: 'studio-7', tier: 'regular', rush: { urgency: 'same-day' } }),
        T('09:05'),
      ),
    );
    expect(issues).toEqual([
      { path: 'tier', message: "client 'studio-7' is registered as key; the order says regular" },
    ]);
    expect(s.snapshot()).toEqual(before);
    // Its next order with the right tier goes in as usual.
    expect(
      s.submit(order({ id: 'a2', clientId: 'studio-7', tier: 'key' }), T('09:05')).outcome,
    ).toBe('queued');
  });

  test('an unregistered client is taken at the tier its order gives, as before', () => {
    const s = createScheduler(studio);
    s.submit(order({ id: 'u1', clientId: 'walk-in', tier: 'regular' }), T('09:00'));
    expect(
      s.submit(order({ id: 'u2', clientId: 'walk-in', tier: 'key' }), T('09:05')).outcome,
    ).toBe('queued');
  });

  test('in a batch, each order of a registered client that disagrees is named, and none is decided', () => {
    const s = createScheduler(studio);
    const before = s.snapshot();
    const issues = issuesOf(() =>
      s.submitBatch(
        [
          order({ id: 'b1', clientId: 'studio-7', tier: 'key' }),
          order({ id: 'b2', clientId: 'studio-7', tier: 'special' }),
          order({ id: 'b3' }),
        ],
        T('09:00'),
      ),
    );
    expect(issues).toEqual([
      {
        path: 'orders.1.tier',
        message: "client 'studio-7' is registered as key; the order says special",
      },
    ]);
    expect(s.snapshot()).toEqual(before);
  });
});

describe('setClient', () => {
  test('registers a client, then changes its tier from that moment on; orders already in keep theirs', () => {
    const s = createScheduler();
    const o1 = s.submit(order({ id: 's1', clientId: 'studio-9', tier: 'regular' }), T('09:00'));
    expect(s.setClient('studio-9', { tier: 'regular' }, T('09:10'))).toEqual({
      clientId: 'studio-9',
      tier: 'regular',
    });
    expect(() =>
      s.submit(order({ id: 's2', clientId: 'studio-9', tier: 'key' }), T('09:15')),
    ).toThrow("client 'studio-9' is registered as regular; the order says key");
    // The lab signs studio-9 as a key client at 11:00.
    expect(s.setClient('studio-9', { tier: 'key' }, T('11:00'))).toEqual({
      clientId: 'studio-9',
      tier: 'key',
      previous: 'regular',
    });
    expect(
      s.submit(order({ id: 's2', clientId: 'studio-9', tier: 'key' }), T('11:05')).outcome,
    ).toBe('queued');
    expect(s.explain('s1').order.tier).toBe('regular');
    expect(s.explain('s1').promisedBy).toBe(o1.promisedBy);
    expect(s.clients()).toEqual([{ id: 'studio-9', tier: 'key' }]);
  });

  test('moves time like every state-changing call: an earlier time is refused, a later one holds', () => {
    const s = createScheduler();
    s.submit(order({ id: 't1' }), T('10:00'));
    const before = s.snapshot();
    expect(issuesOf(() => s.setClient('c', { tier: 'key' }, T('09:59')))[0]?.path).toBe('at');
    expect(s.snapshot()).toEqual(before);
    s.setClient('c', { tier: 'key' }, T('10:30'));
    expect(issuesOf(() => s.submit(order({ id: 't2' }), T('10:29')))[0]?.path).toBe('at');
  });

  test.each<[string, () => [unknown, unknown], string]>([
    ['an empty client id', () => ['', { tier: 'key' }], 'clientId'],
    ['a client id that is not a string', () => [7, { tier: 'key' }], 'clientId'],
    ['no change', () => ['c', undefined], 'change'],
    ['an unknown tier', () => ['c', { tier: 'gold' }], 'tier'],
    ['a missing tier', () => ['c', {}], 'tier'],
    ['a field it does not change', () => ['c', { tier: 'key', discount: 5 }], ''],
  ])(
    'bad input, %s, is a ValidationError naming the field, with the state unchanged',
    (_, args, path) => {
      const s = createScheduler(studio);
      s.submit(order({ id: 'x1' }), T('09:00'));
      const before = s.snapshot();
      const [clientId, change] = args();
      const issues = issuesOf(() =>
        (s.setClient as (a: unknown, b: unknown, at: number) => unknown)(
          clientId,
          change,
          T('09:30'),
        ),
      );
      expect(issues.length).toBeGreaterThan(0);
      expect(issues[0]?.path).toBe(path);
      expect(issues[0]?.message.length).toBeGreaterThan(10);
      expect(s.snapshot()).toEqual(before);
      expect(s.clients()).toEqual([{ id: 'studio-7', tier: 'key' }]);
    },
  );

  test('any string is a client id, __proto__ included, and no object prototype is touched', () => {
    const s = createScheduler({ clients: [{ id: 'constructor', tier: 'special' }] });
    s.setClient('__proto__', { tier: 'key' }, T('09:00'));
    expect(() =>
      s.submit(order({ id: 'p1', clientId: '__proto__', tier: 'regular' }), T('09:01')),
    ).toThrow("client '__proto__' is registered as key; the order says regular");
    expect(() =>
      s.submit(order({ id: 'p2', clientId: 'toString', tier: 'regular' }), T('09:01')),
    ).not.toThrow();
    const restored = restoreScheduler(JSON.parse(JSON.stringify(s.snapshot())));
    expect(restored.clients()).toEqual([
      { id: 'constructor', tier: 'special' },
      { id: '__proto__', tier: 'key' },
    ]);
    expectPrototypeUntouched();
  });
});

describe('the clients option', () => {
  test('is validated like the rest of the configuration', () => {
    expect(
      issuesOf(() =>
        createScheduler({
          clients: [
            { id: 'a', tier: 'key' },
            { id: 'a', tier: 'regular' },
            { id: 'b', tier: 'vip' as Tier },
            { id: '', tier: 'key' },
          ],
        }),
      ).map((i) => i.path),
    ).toEqual(['clients.2.tier', 'clients.3.id']);
    expect(
      issuesOf(() =>
        createScheduler({
          clients: [
            { id: 'a', tier: 'key' },
            { id: 'a', tier: 'regular' },
          ],
        }),
      ),
    ).toEqual([
      { path: 'clients.1.id', message: "must be unique, client 'a' is registered twice" },
    ]);
    expect(issuesOf(() => createScheduler({ clients: { a: 'key' } as never }))[0]?.path).toBe(
      'clients',
    );
  });
});

describe('registration survives a snapshot', () => {
  /** studio-7 from the configuration, studio-9 registered and then changed by calls. */
  function registered(): Scheduler {
    const s = createScheduler(studio);
    s.setClient('studio-9', { tier: 'regular' }, T('09:00'));
    s.setClient('studio-9', { tier: 'special' }, T('09:30'));
    return s;
  }

  test('restored, the same clients are registered and the same orders refused', () => {
    const s = registered();
    const snap = JSON.parse(JSON.stringify(s.snapshot())) as Snapshot;
    expect(snap.clients).toEqual({ 'studio-7': 'key', 'studio-9': 'special' });
    const r = restoreScheduler(snap);
    expect(r.clients()).toEqual(s.clients());
    expect(r.snapshot()).toEqual(s.snapshot());
    const bad = order({ id: 'r1', clientId: 'studio-9', tier: 'key' });
    expect(() => r.submit(bad, T('10:00'))).toThrow('registered as special');
    expect(() => s.submit(bad, T('10:00'))).toThrow('registered as special');
  });

  test("the snapshot's registration is state: a configuration given to the restore does not replace it", () => {
    const s = registered();
    const r = restoreScheduler(s.snapshot(), { clients: [{ id: 'studio-7', tier: 'regular' }] });
    expect(r.clients()).toEqual(s.clients());
  });

  test('a snapshot from before clients could be registered restores, with none registered', () => {
    const s = createScheduler();
    s.submit(order({ id: 'old1', clientId: 'studio-7', tier: 'regular' }), T('09:00'));
    const snap = s.snapshot();
    expect(snap).not.toHaveProperty('clients');
    const r = restoreScheduler(snap);
    expect(r.clients()).toEqual([]);
    expect(
      r.submit(order({ id: 'old2', clientId: 'studio-7', tier: 'key' }), T('09:05')).outcome,
    ).toBe('queued');
  });

  test('a snapshot whose clients are not tiers is refused as malformed', () => {
    const snap = { ...registered().snapshot(), clients: { 'studio-7': 'gold' } };
    expect(issuesOf(() => restoreScheduler(snap))[0]?.path).toBe('clients.studio-7');
  });
});
