/**
 * `npm start`: one demo day at the default lab, driven through the real scheduler on simulated
 * lines. It prints the rush decisions with their reasons, the plan of the print line at noon,
 * and how the day ended. (The seeded peak-day simulator replaces this as the main job.)
 */
import { createScheduler, type Order } from '../index.js';
import { LineDriver } from '../testing/run-trace.js';

const zone = 'Asia/Shanghai';
const fmt = new Intl.DateTimeFormat('sv-SE', {
  timeZone: zone,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
/** Tuesday 2026-11-24 in Shanghai, at the given local time. */
const at = (time: string) => Date.parse(`2026-11-24T${time}:00+08:00`);
const dayFmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: zone,
  weekday: 'short',
  day: 'numeric',
  month: 'short',
});
/** Local time, with the day when it is not the demo day. */
const hhmm = (t: number) => {
  const day = dayFmt.format(t);
  return day === dayFmt.format(at('12:00')) ? fmt.format(t) : `${day} ${fmt.format(t)}`;
};

// A small deterministic generator, so the demo day is the same every time.
let seed = 20261124;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;

const scheduler = createScheduler();
const driver = new LineDriver(scheduler);

const morning: Order[] = [];
for (let i = 0; i < 60; i++) {
  const product = pick(['print', 'print', 'print', 'album', 'crystal', 'frame'] as const);
  const quantity = product === 'print' ? 20 + Math.floor(rand() * 400) : 1 + Math.floor(rand() * 6);
  morning.push({
    id: `M${String(i + 1).padStart(3, '0')}`,
    clientId: `client-${1 + Math.floor(rand() * 25)}`,
    tier: pick(['key', 'special', 'regular', 'regular'] as const),
    product,
    quantity,
    uploadedAt: at('08:00') - Math.floor(rand() * 14 * 3_600_000),
  });
}

const day: { time: string; order: Order }[] = [
  {
    time: '09:40',
    order: {
      id: 'R1',
      clientId: 'client-3',
      tier: 'key',
      product: 'print',
      quantity: 200,
      uploadedAt: at('09:35'),
      rush: { urgency: 'half-day' },
    },
  },
  {
    time: '10:05',
    order: {
      id: 'R2',
      clientId: 'client-9',
      tier: 'regular',
      product: 'album',
      quantity: 2,
      uploadedAt: at('10:00'),
      rush: { urgency: 'same-day' },
    },
  },
  {
    time: '10:30',
    order: {
      id: 'D1',
      clientId: 'client-14',
      tier: 'special',
      product: 'print',
      quantity: 36,
      uploadedAt: at('10:30'),
      rush: { cause: 'damaged', reason: 'scratched on the cutter', responsible: 'Wang' },
    },
  },
  {
    time: '11:15',
    order: {
      id: 'R3',
      clientId: 'client-21',
      tier: 'regular',
      product: 'crystal',
      quantity: 12,
      uploadedAt: at('11:10'),
      rush: { urgency: 'next-day' },
    },
  },
  {
    time: '13:00',
    order: {
      id: 'W1',
      clientId: 'client-5',
      tier: 'key',
      product: 'album',
      quantity: 1,
      uploadedAt: at('13:00'),
      rush: { cause: 'rework', reason: 'pages bound upside down', responsible: 'Li' },
    },
  },
  {
    time: '15:30',
    order: {
      id: 'R4',
      clientId: 'client-2',
      tier: 'special',
      product: 'print',
      quantity: 80,
      uploadedAt: at('15:20'),
      rush: { urgency: 'immediate' },
    },
  },
  {
    time: '17:00',
    order: {
      id: 'R5',
      clientId: 'client-7',
      tier: 'regular',
      product: 'print',
      quantity: 50,
      uploadedAt: at('16:55'),
      rush: { urgency: 'same-day' },
    },
  },
];

const out = (s = '') => process.stdout.write(`${s}\n`);
out(
  'Rushline demo day: the default lab (print 1,200/h, album 90/h, crystal 8/h, frame 10/h), Tuesday 2026-11-24, Asia/Shanghai',
);
out();

driver.apply({ at: at('09:00'), batch: morning });
driver.startIdle(at('09:00'));
out(`09:00  morning intake: ${morning.length} orders queued`);
let planShown = false;
for (const item of day) {
  const t = at(item.time);
  if (!planShown && t >= at('12:00')) {
    driver.until(at('12:00'));
    showPlan();
    planShown = true;
  }
  driver.until(t);
  driver.apply({ at: t, order: item.order });
  driver.startIdle(t);
  const d = scheduler.explain(item.order.id).decision;
  const rush = item.order.rush;
  out(
    `${item.time}  ${item.order.id} ${item.order.tier} ${item.order.quantity} ${item.order.product} ${rush?.urgency ?? rush?.cause}: ${d.outcome}, promised ${hhmm(d.promisedBy)}${d.atRisk.length ? `, puts ${d.atRisk.length} at risk` : ''}`,
  );
  for (const r of d.reasons) out(`         [${r.rule}] ${r.message}`);
}
driver.until(Number.POSITIVE_INFINITY);

function showPlan() {
  out();
  out('12:00  plan of the print line (first 8):');
  for (const p of scheduler.plan('print').slice(0, 8)) {
    out(
      `         ${p.orderId.padEnd(6)} ${p.status.padEnd(13)} ${hhmm(p.start)}–${hhmm(p.finish)}  promised ${hhmm(p.promisedBy)}${p.late ? '  LATE' : ''}`,
    );
  }
  out();
}

const snap = scheduler.snapshot();
const finished = snap.orders.filter((o) => o.status === 'finished');
const late = finished.filter((o) => (o.finishedAt as number) > o.promisedBy);
out();
out(
  `End of day: ${finished.length} of ${snap.orders.length} orders finished, ${late.length} late${late.length ? ` (${late.map((o) => o.order.id).join(', ')}), every one reported at risk first` : ''}.`,
);
out(
  `Rush register: ${snap.rushRegister.length} decisions, ${snap.rushRegister.filter((r) => r.outcome === 'rush-accepted').length} accepted. Rework register: ${snap.reworkRegister.length} entr${snap.reworkRegister.length === 1 ? 'y' : 'ies'}, ${snap.reworkRegister.filter((r) => r.closedAt !== undefined).length} closed.`,
);
