/**
 * The order sheet against a simple reference: one `SimulatedOrder` object per order, written
 * as the run writes the sheet. Whatever the writes, every row's record is the reference's
 * object, and every row's order is what was drawn for it.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Decision } from '../../../src/domain/types.js';
import { parseScenario, peakDay } from '../../../src/index.js';
import { drawOrders } from '../../../src/simulation/_internal/arrivals.js';
import {
  arrivalOf,
  Mark,
  type OrderSheet,
  orderId,
  recordOf,
  recordsOf,
  rowOf,
  setMark,
  writeDecision,
} from '../../../src/simulation/_internal/order-sheet.js';
import { Rng } from '../../../src/simulation/_internal/random.js';
import type { SimulatedOrder } from '../../../src/simulation/types.js';
import { fcParams } from '../../support/fc.js';

/** A small day with a lifecycle, so the sheet has every column. */
const scenario = parseScenario({
  ...peakDay,
  arrivals: { perHour: (peakDay.arrivals.perHour as number[]).map((r) => r / 8) },
  lifecycle: { cancelShare: 0.2, holdShare: 0.2, handoverDelayMinutes: [0, 60] },
});

/** The reference: the records as objects, made as the simulator made them before the sheet. */
function reference(sheet: OrderSheet): SimulatedOrder[] {
  return Array.from({ length: sheet.length }, (_, i) => {
    const { at, order, client } = arrivalOf(sheet, i);
    return {
      id: order.id,
      clientId: client.id,
      habitual: client.habitual,
      line: '',
      class:
        order.rush === undefined
          ? 'normal'
          : (order.rush.cause ?? 'client') === 'client'
            ? 'rush'
            : 'company',
      tier: order.tier,
      product: order.product,
      quantity: order.quantity,
      urgency: order.rush?.urgency,
      cause: order.rush === undefined ? undefined : (order.rush.cause ?? 'client'),
      submittedAt: at,
      startedAt: -1,
      finishedAt: -1,
      promisedBy: -1,
      requestedBy: -1,
      outcome: 'queued',
      rule: '',
      late: false,
      atRisk: false,
      counted: false,
      pickupAt: (order.pickupAt as number | undefined) ?? -1,
      cancelledAt: -1,
      heldAt: -1,
      deliveredAt: -1,
      dueBy: -1,
    } satisfies SimulatedOrder as SimulatedOrder;
  });
}

const TIMES = ['startedAt', 'finishedAt', 'cancelledAt', 'heldAt', 'deliveredAt', 'dueBy'] as const;
const MARKS = ['counted', 'late', 'atRisk'] as const;

/** One write of the run to a row (`row` is taken modulo the sheet's length). */
const write = fc.oneof(
  fc.record({
    kind: fc.constant('decision' as const),
    row: fc.nat(),
    outcome: fc.constantFrom<Decision['outcome']>('queued', 'rush-accepted', 'rush-declined'),
    rule: fc.constantFrom('queued', 'accepted', 'daily-rush-quota', 'frequent-rusher', ''),
    promisedBy: fc.integer({ min: 0, max: 2 ** 45 }),
    requestedBy: fc.integer({ min: 0, max: 2 ** 45 }),
    line: fc.nat({ max: 4 }),
  }),
  fc.record({
    kind: fc.constant('time' as const),
    row: fc.nat(),
    column: fc.constantFrom(...TIMES),
    at: fc.integer({ min: 0, max: 2 ** 45 }),
  }),
  fc.record({
    kind: fc.constant('mark' as const),
    row: fc.nat(),
    mark: fc.constantFrom(...MARKS),
    on: fc.boolean(),
  }),
);

describe('the order sheet', () => {
  test('every row reads back as the reference record, whatever was written to it', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1000 }), fc.array(write, { maxLength: 200 }), (seed, writes) => {
        const sheet = drawOrders(scenario, Rng.stream(seed, 0));
        const model = reference(sheet);
        for (const w of writes) {
          const i = w.row % sheet.length;
          const o = model[i] as SimulatedOrder;
          if (w.kind === 'decision') {
            sheet.line[i] = w.line;
            o.line = sheet.lines[w.line] as string;
            writeDecision(sheet, i, {
              outcome: w.outcome,
              reasons: [{ rule: w.rule, message: 'why' }],
              promisedBy: w.promisedBy,
              requestedBy: w.requestedBy,
            } as Decision);
            Object.assign(o, {
              outcome: w.outcome,
              rule: w.rule,
              promisedBy: w.promisedBy,
              requestedBy: w.requestedBy,
            });
          } else if (w.kind === 'time') {
            sheet[w.column][i] = w.at;
            o[w.column] = w.at;
          } else {
            setMark(sheet, i, Mark[w.mark], w.on);
            o[w.mark] = w.on;
          }
        }
        expect(recordsOf(sheet)).toEqual(model);
      }),
      fcParams(40),
    );
  });

  test('each row is found again by its order id, and its order is one the engine takes', () => {
    const sheet = drawOrders(scenario, Rng.stream(7, 0));
    expect(sheet.length).toBeGreaterThan(50);
    expect(sheet.fate).toBeDefined();
    for (let i = 0; i < sheet.length; i++) {
      expect(rowOf(orderId(sheet, i))).toBe(i);
      const { order, fate } = arrivalOf(sheet, i);
      expect(order.id).toBe(recordOf(sheet, i).id);
      expect(fate?.handoverMs).toBeGreaterThanOrEqual(0);
    }
  });

  test('a scenario without a lifecycle keeps no lifecycle columns', () => {
    const sheet = drawOrders(parseScenario(peakDay), Rng.stream(1, 0));
    expect(sheet.fate).toBeUndefined();
    expect(arrivalOf(sheet, 0).fate).toBeUndefined();
  });
});
