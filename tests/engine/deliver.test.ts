/**
 * Hand-over (issue 18, item 6): the dispatch register (发车登记) of the lab, and the handbook's
 * assessment "rush orders are done when the client has them on time". A finished order is
 * shipped or picked up; the register says whether the client had it by the time they were
 * told; a hand-over short of prints leaves the order open for a `missing` rush (漏件: reissue
 * through the rush process).
 */
import { describe, expect, test } from 'vitest';
import { createScheduler, restoreScheduler, type Scheduler } from '../../src/index.js';
import { issuesOf } from '../support/issues.js';
import { order, T } from '../support/orders.js';

/** Submits, produces and finishes one order on the print line; returns its id. */
function made(s: Scheduler, over: Parameters<typeof order>[0], at: string, done: string): string {
  const d = s.submit(order(over), T(at));
  s.next('print', T(at));
  s.complete(d.orderId, T(done));
  return d.orderId;
}

describe('deliver and the delivery register', () => {
  test('a pickup at the counter on time: due by its pickupAt, on time, and the order is delivered', () => {
    const s = createScheduler();
    const id = made(s, { clientId: 'walk-in', pickupAt: T('17:00') }, '09:00', '09:30');
    const d = s.deliver(id, { via: 'pickup', reference: 'counter slip 118' }, T('16:40'));
    expect(d).toEqual({
      orderId: id,
      clientId: 'walk-in',
      via: 'pickup',
      reference: 'counter slip 118',
      shortItems: 0,
      deliveredAt: T('16:40'),
      dueBy: T('17:00'),
      onTime: true,
    });
    expect(s.explain(id).status).toBe('delivered');
    expect(s.explain(id).delivery).toEqual(d);
    expect(s.explain(id).summary).toContain('picked up 2026-11-24 16:40');
    expect(s.deliveryRegister()).toEqual([d]);
  });

  test('a shipment late: shipped after its shipBy is not on time, and the summary says after when', () => {
    const s = createScheduler();
    const id = made(s, { shipBy: T('15:00') }, '09:00', '09:20');
    const d = s.deliver(id, { via: 'ship', reference: 'SF1234' }, T('15:30'));
    expect(d).toMatchObject({ dueBy: T('15:00'), onTime: false, via: 'ship' });
    expect(s.explain(id).summary).toContain('shipped 2026-11-24 15:30 after 2026-11-24 15:00');
  });

  test('an order with neither shipBy nor pickupAt is due by its promise', () => {
    const s = createScheduler();
    const id = made(s, {}, '09:00', '09:20');
    const promise = s.explain(id).promisedBy;
    expect(s.deliver(id, { via: 'ship' }, T('10:00'))).toMatchObject({
      dueBy: promise,
      onTime: T('10:00') <= promise,
    });
  });

  test('a delivery short two prints, then a missing rush for them: accepted, first in line, and linked both ways', () => {
    const s = createScheduler();
    const id = made(s, { clientId: 'studio-3', quantity: 40 }, '09:00', '09:30');
    s.deliver(id, { via: 'pickup', shortItems: 2 }, T('11:00'));
    // Work queued behind which the reissue must go first.
    s.submit(order({ quantity: 200 }), T('11:05'));
    const r = s.submit(
      order({
        id: 'reissue-1',
        clientId: 'studio-3',
        quantity: 2,
        rush: { cause: 'missing', forOrder: id, reason: 'two prints missing at pickup' },
      }),
      T('11:10'),
    );
    expect(r.outcome).toBe('rush-accepted');
    expect(s.plan('print')[0]?.orderId).toBe('reissue-1');
    expect(s.deliveryRegister()[0]?.reissuedBy).toEqual(['reissue-1']);
    expect(s.explain('reissue-1').order.rush?.forOrder).toBe(id);
    expect(s.rushRegister().at(-1)).toMatchObject({ orderId: 'reissue-1', cause: 'missing' });
  });

  test('a missing rush for an order delivered complete, or not delivered, is refused and changes nothing', () => {
    const s = createScheduler();
    const whole = made(s, {}, '09:00', '09:20');
    s.deliver(whole, { via: 'ship' }, T('10:00'));
    const queued = s.submit(order(), T('10:00')).orderId;
    const before = s.snapshot();
    expect(
      issuesOf(() => s.submit(order({ rush: { cause: 'missing', forOrder: whole } }), T('10:05'))),
    ).toEqual([
      {
        path: 'rush.forOrder',
        message: `must be a delivered order that was short of items, received '${whole}' (delivered complete)`,
      },
    ]);
    expect(
      issuesOf(() =>
        s.submit(order({ rush: { cause: 'missing', forOrder: queued } }), T('10:05')),
      )[0]?.message,
    ).toContain('it is queued');
    expect(
      issuesOf(() =>
        s.submit(order({ rush: { cause: 'damaged', forOrder: whole } }), T('10:05')),
      )[0]?.path,
    ).toBe('rush.forOrder');
    expect(s.snapshot()).toEqual(before);
  });

  test('bad hand-overs are ValidationErrors naming the field, with the state unchanged', () => {
    const s = createScheduler();
    const id = made(s, { quantity: 5 }, '09:00', '09:10');
    const queued = s.submit(order(), T('09:15')).orderId;
    const before = s.snapshot();
    const at = T('10:00');
    expect(issuesOf(() => s.deliver('nope', { via: 'ship' }, at))[0]?.path).toBe('orderId');
    expect(issuesOf(() => s.deliver(queued, { via: 'ship' }, at))[0]?.message).toBe(
      `must be a finished order; '${queued}' is queued`,
    );
    expect(issuesOf(() => s.deliver(id, { via: 'drone' as 'ship' }, at))[0]?.path).toBe(
      'handover.via',
    );
    expect(issuesOf(() => s.deliver(id, { via: 'ship', shortItems: 1.5 }, at))).toEqual([
      { path: 'handover.shortItems', message: 'must be a whole number of items' },
    ]);
    expect(issuesOf(() => s.deliver(id, { via: 'ship', shortItems: -1 }, at))[0]?.path).toBe(
      'handover.shortItems',
    );
    expect(issuesOf(() => s.deliver(id, { via: 'ship', shortItems: 6 }, at))).toEqual([
      {
        path: 'handover.shortItems',
        message: "must be at most the order's quantity 5, received 6",
      },
    ]);
    expect(issuesOf(() => s.deliver(id, null as never, at))[0]?.path).toBe('handover');
    expect(
      issuesOf(() => s.deliver(id, { via: 'ship', extra: 1 } as never, at))[0]?.path,
    ).toContain('handover');
    expect(issuesOf(() => s.deliver(id, { via: 'ship' }, T('08:00')))[0]?.path).toBe('at');
    expect(s.snapshot()).toEqual(before);
    s.deliver(id, { via: 'ship', shortItems: 5 }, at);
    const after = s.snapshot();
    expect(issuesOf(() => s.deliver(id, { via: 'ship' }, at))[0]?.message).toBe(
      `must be an order not yet delivered; '${id}' was delivered 2026-11-24 10:00`,
    );
    expect(s.snapshot()).toEqual(after);
  });

  test('the register filters by time range and client, and refuses unknown options', () => {
    const s = createScheduler();
    const a = made(s, { clientId: 'A' }, '09:00', '09:10');
    const b = made(s, { clientId: 'B' }, '09:10', '09:20');
    const c = made(s, { clientId: 'A' }, '09:20', '09:30');
    s.deliver(a, { via: 'ship' }, T('10:00'));
    s.deliver(b, { via: 'ship' }, T('11:00'));
    s.deliver(c, { via: 'pickup' }, T('12:00'));
    const ids = (o?: Parameters<Scheduler['deliveryRegister']>[0]) =>
      s.deliveryRegister(o).map((d) => d.orderId);
    expect(ids()).toEqual([a, b, c]);
    expect(ids({ clientId: 'A' })).toEqual([a, c]);
    expect(ids({ since: T('11:00') })).toEqual([b, c]);
    expect(ids({ until: T('11:00') })).toEqual([a]);
    expect(ids({ since: '2026-11-24T10:30:00+08:00', until: T('12:00'), clientId: 'B' })).toEqual([
      b,
    ]);
    expect(issuesOf(() => s.deliveryRegister({ client: 'A' } as never))[0]?.path).toBe(
      'options.client',
    );
    expect(issuesOf(() => s.deliveryRegister({ since: 'yesterday' }))[0]?.path).toBe(
      'options.since',
    );
  });

  test('deliveries survive a snapshot, and a restored scheduler refuses a second hand-over', () => {
    const s = createScheduler();
    const id = made(s, { quantity: 3 }, '09:00', '09:10');
    s.deliver(id, { via: 'pickup', shortItems: 1 }, T('10:00'));
    const r = restoreScheduler(JSON.parse(JSON.stringify(s.snapshot())));
    expect(r.deliveryRegister()).toEqual(s.deliveryRegister());
    expect(r.explain(id).status).toBe('delivered');
    expect(r.snapshot()).toEqual(s.snapshot());
    expect(issuesOf(() => r.deliver(id, { via: 'ship' }, T('10:05')))[0]?.path).toBe('orderId');
    // A snapshot that says delivered without an entry in the register does not restore.
    const broken = s.snapshot();
    delete broken.deliveryRegister;
    expect(issuesOf(() => restoreScheduler(broken))[0]?.message).toContain(
      'not in the delivery register',
    );
  });
});
