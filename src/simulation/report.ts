/**
 * The report of a simulation: one self-contained HTML file. The charts are drawn on the
 * server as SVG by ECharts, imported only here and only when a report is asked for, so the
 * library stays light; the page has no script and loads nothing from the network.
 */
import { parsePolicy } from '../domain/policy.js';
import { loadOptional } from '../optional-package.js';
import { MS_PER_HOUR, MS_PER_MINUTE } from '../time/units.js';
import type { Kpi, SimulationResult, Timeline } from './types.js';

const WIDTH = 960;
const HEIGHT = 300;
const PALETTE = ['#2f6db5', '#e07b39', '#3a9a5b', '#b8435a', '#7a5cb8', '#8c6d3f', '#3aa0a8'];
const RULE_COLORS: Record<string, string> = {
  accepted: '#3a9a5b',
  'deadline-unreachable': '#b8435a',
  'daily-rush-quota': '#e07b39',
  'frequent-rusher': '#7a5cb8',
  'large-rush-under-load': '#8c6d3f',
  'would-break-promises': '#d4a017',
};

/** Rules in the order rules.md §4 runs them; others (a lab's own gates) after. */
const RULE_ORDER = Object.keys(RULE_COLORS);
const ruleOrder = (rule: string) => {
  const i = RULE_ORDER.indexOf(rule);
  return i < 0 ? RULE_ORDER.length : i;
};
const percentLabel = (p: { value: number | null }) =>
  p.value === null ? '' : `${Math.round(p.value * 100)}%`;

export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Formats a KPI value for people. */
export function formatKpi(k: Pick<Kpi, 'unit'>, v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '–';
  switch (k.unit) {
    case 'share':
      return `${(v * 100).toFixed(1)}%`;
    case 'minutes':
      return Math.abs(v) >= 120
        ? `${(v / 60).toFixed(1)} h`
        : `${v.toFixed(Math.abs(v) < 1 && v !== 0 ? 2 : 1)} min`;
    case 'hours':
      return `${v.toFixed(1)} h`;
    case 'orders':
      return Number.isInteger(v) ? String(v) : v.toFixed(1);
  }
}

function timeLabels(t: Timeline, zone: string): string[] {
  const hm = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const day = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short' });
  const first = t.buckets[0] ? day.format(t.buckets[0].start) : '';
  return t.buckets.map((b) => {
    const d = day.format(b.start);
    return d === first ? hm.format(b.start) : `${d} ${hm.format(b.start)}`;
  });
}

/** Steps between labels of a time axis, in hours: the first that leaves at most a dozen labels. */
const LABEL_STEPS = [1, 2, 3, 4, 6, 8, 12, 24, 48, 72, 168, 336, 720];

/**
 * A category axis over consecutive intervals of `widthMs` starting at `starts`, labelled on
 * round local times (every 1, 2, 3… hours, so that about a dozen labels fit) and with the
 * weekday under the first label of each day. Short labels, evenly spread, do not run into each
 * other at any width: the chart is scaled as a whole to the page.
 */
function timeAxis(
  starts: readonly number[],
  widthMs: number,
  zone: string,
  data: readonly string[],
) {
  const local = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const parts = starts.map((ms) => {
    const p = Object.fromEntries(local.formatToParts(ms).map((x) => [x.type, x.value]));
    return { day: p.weekday ?? '', hour: Number(p.hour), minute: Number(p.minute) };
  });
  const span = (starts.length * widthMs) / MS_PER_HOUR;
  const step = LABEL_STEPS.find((h) => span / h <= 12) ?? (LABEL_STEPS.at(-1) as number);
  const per = Math.max(1, Math.round((step * MS_PER_HOUR) / widthMs));
  // The first interval that starts on a round time sets the rhythm; without one, the first.
  const round = (p: (typeof parts)[number]) =>
    p.minute === 0 && (step >= 24 ? p.hour === 0 : p.hour % step === 0);
  const first = Math.max(0, parts.slice(0, per).findIndex(round));
  let lastDay = '';
  const shown = parts.map((p, i) => {
    if (i < first || (i - first) % per !== 0) return '';
    const hm = `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
    const label = p.day !== lastDay ? `${hm}\n${p.day}` : hm;
    lastDay = p.day;
    return label;
  });
  const interval = (i: number) => shown[i] !== '';
  return {
    type: 'category',
    data,
    axisTick: { alignWithLabel: true, interval },
    axisLabel: { interval, formatter: (_: string, i: number) => shown[i] ?? '', lineHeight: 14 },
  };
}

/** A legend in the page rather than in the chart: the browser lays out its text, so it never clips. */
export function legend(items: readonly { name: string; color: string }[]): string {
  return `<ul class="legend">${items.map((it) => `<li><span style="background:${it.color}"></span>${esc(it.name)}</li>`).join('')}</ul>`;
}

/** The reports' style sheet. */
export const STYLE = `body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: ${WIDTH}px; color: #222; padding: 0 20px; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.1rem; margin: 0; }
.meta { color: #555; } .meta dt { font-weight: 600; float: left; clear: left; width: 9rem; } .meta dd { margin: 0 0 .2rem 9.5rem; }
figure { margin: 1.5rem 0; } figcaption p { margin: .2rem 0 .4rem; color: #555; }
figure svg { display: block; width: 100%; height: auto; }
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: .2rem 1.2rem; margin: .2rem 0 0; padding: 0; font-size: .85rem; color: #444; }
ul.legend span { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin-right: .35rem; vertical-align: -.1rem; }
ul.findings li { margin-bottom: .3rem; }
table { border-collapse: collapse; width: 100%; } td, th { padding: .25rem .5rem; border-bottom: 1px solid #ddd; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } td.ci { color: #666; }
tr.assessment td { font-weight: 600; }
details pre { background: #f6f6f6; padding: .75rem; overflow: auto; }
`;

/** ECharts colours series by their index in the palette. */
export const colorOf = (i: number) => PALETTE[i % PALETTE.length] as string;

/** Lines that make the same products share their work: the engine gives an order to the one free soonest. */
interface Station {
  name: string;
  lines: string[];
}

function stations(result: SimulationResult): Station[] {
  const groups = new Map<string, string[]>();
  for (const l of result.scenario.lines) {
    const key = [...l.products].sort().join(' + ');
    groups.set(key, [...(groups.get(key) ?? []), l.id]);
  }
  return [...groups].map(([products, lines]) => ({
    name:
      lines.length > 1 || lines[0] !== products ? `${products} (${lines.join(' + ')})` : products,
    lines,
  }));
}

/** The timeline by the hour: demand over capacity per station, and use per line. */
export function hourly(result: SimulationResult, labels: readonly string[]) {
  const t = result.timeline;
  const per = Math.max(1, Math.round(60 / t.bucketMinutes));
  const hours: { label: string; from: number; to: number }[] = [];
  for (let i = 0; i < t.buckets.length; i += per)
    hours.push({ label: labels[i] ?? '', from: i, to: Math.min(t.buckets.length, i + per) });
  const sum = (h: { from: number; to: number }, f: (b: (typeof t.buckets)[number]) => number) => {
    let x = 0;
    for (let i = h.from; i < h.to; i++) x += f(t.buckets[i] as (typeof t.buckets)[number]);
    return x;
  };
  const open = (h: { from: number; to: number }) =>
    sum(h, (b) => b.lines[t.lines[0] as string]?.openMs ?? 0);
  const load = stations(result).map((st) => ({
    station: st,
    // Demand over what the station can make in the hour; only hours the lab is open.
    values: hours.map((h) => {
      if (open(h) === 0) return null;
      const arrived = sum(h, (b) =>
        st.lines.reduce((a, id) => a + (b.lines[id]?.arrivedUnits ?? 0), 0),
      );
      const capacity = sum(h, (b) =>
        st.lines.reduce(
          (a, id) => a + ((b.lines[id]?.unitsPerHour ?? 0) * t.bucketMinutes) / 60,
          0,
        ),
      );
      return capacity > 0 ? arrived / capacity : null;
    }),
  }));
  const use = t.lines.map((id) => ({
    line: id,
    values: hours.map((h) => {
      const o = sum(h, (b) => b.lines[id]?.openMs ?? 0);
      return o > 0 ? sum(h, (b) => b.lines[id]?.busyMs ?? 0) / o : null;
    }),
  }));
  return {
    labels: hours.map((h) => h.label),
    starts: hours.map((h) => (t.buckets[h.from] as (typeof t.buckets)[number]).start),
    load,
    use,
  };
}

/**
 * Loads the chart library (for the call named `neededBy`) and gives a function that draws one
 * ECharts option as an SVG string, in the reports' size, palette and font.
 */
export async function chartRenderer(
  neededBy: string,
): Promise<(option: Record<string, unknown>, height?: number) => string> {
  const echarts = await loadOptional('echarts', neededBy, () => import('echarts'));
  return (option, height = HEIGHT) => {
    const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height });
    chart.setOption({
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: 'system-ui, sans-serif' },
      ...option,
    });
    const out = chart.renderToSVGString();
    chart.dispose();
    return out;
  };
}

/** Renders the report of a simulation as one HTML page. */
export async function renderReport(result: SimulationResult): Promise<string> {
  const svg = await chartRenderer('renderReport');
  const s = result.scenario;
  const t = result.timeline;
  const labels = timeLabels(t, s.calendar.zone);
  const bucketMs = t.bucketMinutes * MS_PER_MINUTE;
  const axis = timeAxis(
    t.buckets.map((b) => b.start),
    bucketMs,
    s.calendar.zone,
    labels,
  );
  const grid = { left: 60, right: 50, top: 40, bottom: 50 };

  const queueChart = svg({
    grid,
    tooltip: {},
    xAxis: axis,
    yAxis: { type: 'value', name: 'orders waiting' },
    series: t.lines.map((id) => ({
      name: id,
      type: 'line',
      showSymbol: false,
      data: t.buckets.map((b) => Number((b.lines[id]?.meanQueued ?? 0).toFixed(2))),
    })),
  });
  const hours = hourly(result, labels);
  const hourAxis = timeAxis(
    hours.starts,
    Math.max(1, Math.round(60 / t.bucketMinutes)) * bucketMs,
    s.calendar.zone,
    hours.labels,
  );
  const percent = { formatter: (v: number) => `${Math.round(v * 100)}%` };
  const loadChart = svg({
    grid,
    xAxis: hourAxis,
    yAxis: { type: 'value', name: 'demand ÷ capacity', axisLabel: percent },
    series: hours.load.map(({ station, values }, i) => ({
      name: station.name,
      type: 'bar',
      data: values.map((v) => (v === null ? null : Number(v.toFixed(3)))),
      ...(i === 0
        ? {
            markLine: {
              silent: true,
              symbol: 'none',
              lineStyle: { color: '#b8435a', type: 'dashed' },
              data: [{ yAxis: 1 }],
              label: { formatter: '100%' },
            },
          }
        : {}),
    })),
  });
  const useChart = svg({
    grid,
    xAxis: hourAxis,
    yAxis: { type: 'value', max: 1, name: 'busy', axisLabel: percent },
    series: hours.use.map(({ line, values }) => ({
      name: line,
      type: 'line',
      data: values.map((v) => (v === null ? null : Number(v.toFixed(3)))),
    })),
  });
  const rules = ['accepted', ...new Set(t.buckets.flatMap((b) => Object.keys(b.rushes.declined)))];
  const rushChart = svg({
    grid,
    xAxis: axis,
    yAxis: { type: 'value', name: 'rush requests', minInterval: 1 },
    series: rules.map((rule) => ({
      name: rule === 'accepted' ? 'accepted' : `declined: ${rule}`,
      type: 'bar',
      stack: 'rushes',
      itemStyle: { color: RULE_COLORS[rule] ?? '#777' },
      data: t.buckets.map((b) =>
        rule === 'accepted' ? b.rushes.accepted : (b.rushes.declined[rule] ?? 0),
      ),
    })),
  });

  // The season's rush decisions: over every replication, per production day.
  const rd = result.summary.rushDecisions;
  const declineRules = Object.keys(rd.total)
    .filter((r) => r !== 'accepted' && r !== 'company-fault')
    .sort((a, b) => ruleOrder(a) - ruleOrder(b));
  const dayLabels = rd.days.map((d) => d.day.slice(5));
  const perRep = result.summary.replications > 1 ? ' per replication' : '';
  const reps = result.summary.replications;
  const declinesChart = svg({
    grid,
    xAxis: { type: 'category', data: dayLabels, axisLabel: { rotate: 45 } },
    yAxis: { type: 'value', name: `declined${perRep}`, minInterval: reps > 1 ? 0 : 1 },
    series: declineRules.map((rule) => ({
      name: rule,
      type: 'bar',
      stack: 'declines',
      itemStyle: { color: RULE_COLORS[rule] ?? '#777' },
      data: rd.days.map((d) => Number(((d.rules[rule] ?? 0) / reps).toFixed(2))),
    })),
  });
  const kpiMean = (id: string) => result.summary.kpis.find((k) => k.id === id)?.mean ?? null;
  /** One bar per KPI share, labelled, coloured by its group's place in `PALETTE`. */
  const shareBars = (bars: readonly (readonly [string, string, number])[], name: string) =>
    svg({
      grid,
      xAxis: { type: 'category', data: bars.map(([label]) => label) },
      yAxis: { type: 'value', max: 1, name, axisLabel: percent },
      series: [
        {
          type: 'bar',
          label: { show: true, position: 'top', formatter: percentLabel },
          data: bars.map(([, id, group]) => {
            const v = kpiMean(id);
            return {
              value: v === null ? null : Number(v.toFixed(3)),
              itemStyle: { color: PALETTE[group] },
            };
          }),
        },
      ],
    });
  const acceptanceChart = shareBars(
    [
      ['key clients', 'rushAcceptance.tier.key', 0],
      ['special clients', 'rushAcceptance.tier.special', 0],
      ['regular clients', 'rushAcceptance.tier.regular', 0],
      ['habitual rushers', 'rushAcceptance.habit.habitual', 1],
      ['other clients', 'rushAcceptance.habit.occasional', 1],
    ],
    'accepted',
  );
  const deliveryChart = shareBars(
    [
      ['key clients', 'delivered.onTime.tier.key', 0],
      ['special clients', 'delivered.onTime.tier.special', 0],
      ['regular clients', 'delivered.onTime.tier.regular', 0],
      ['company-caused', 'delivered.onTime.class.company', 1],
      ['client rushes', 'delivered.onTime.class.rush', 1],
      ['plain orders', 'delivered.onTime.class.normal', 1],
    ],
    'handed over in time',
  );
  const quotaLines = s.lines.map((l) => l.id).filter((id) => rd.quota.some((q) => q.line === id));
  const quotaChart = svg({
    grid,
    xAxis: { type: 'category', data: dayLabels, axisLabel: { rotate: 45 } },
    yAxis: { type: 'value', name: 'quota used', axisLabel: percent },
    series: quotaLines.map((line, i) => ({
      name: line,
      type: 'line',
      itemStyle: { color: colorOf(i) },
      data: rd.days.map((d) => {
        const q = rd.quota.find((x) => x.day === d.day && x.line === line);
        return q && q.limit > 0 ? Number((q.used / q.limit).toFixed(3)) : null;
      }),
      ...(i === 0
        ? {
            markLine: {
              silent: true,
              symbol: 'none',
              lineStyle: { color: '#b8435a', type: 'dashed' },
              data: [{ yAxis: 1 }],
              label: { formatter: 'quota' },
            },
          }
        : {}),
    })),
  });

  // Finish minus promise, in hours: below zero the order was early by that much.
  // A cancelled order never finished: it has no margin.
  const counted = result.orders.filter((o) => o.counted && o.cancelledAt < 0);
  const margins = counted.map((o) => (o.finishedAt - o.promisedBy) / MS_PER_HOUR);
  // A loop, not Math.min(...margins): a spread of 10⁵ arguments overflows the stack.
  let lo = 0;
  let hi = 0;
  for (const m of margins) {
    if (m < lo) lo = m;
    if (m > hi) hi = m;
  }
  lo = Math.floor(lo);
  hi = Math.ceil(hi);
  const width = Math.max(1, Math.ceil((hi - lo) / 24));
  const bins: { label: string; n: number; late: boolean }[] = [];
  for (let x = lo; x < hi || bins.length === 0; x += width) {
    bins.push({ label: `${x}…${x + width} h`, n: 0, late: x >= 0 });
  }
  for (const m of margins) {
    const i = Math.min(bins.length - 1, Math.floor((m - lo) / width));
    const bin = bins[i];
    if (bin) bin.n++;
  }
  const lateChart = svg({
    grid: { ...grid, bottom: 70 },
    xAxis: {
      type: 'category',
      data: bins.map((b) => b.label),
      axisLabel: { rotate: 30 },
      name: 'finish − promise',
      nameLocation: 'middle',
      nameGap: 45,
    },
    yAxis: { type: 'value', name: 'orders', minInterval: 1 },
    series: [
      {
        type: 'bar',
        data: bins.map((b) => ({
          value: b.n,
          itemStyle: { color: b.late ? '#b8435a' : '#3a9a5b' },
        })),
      },
    ],
  });

  const kpiRows = result.summary.kpis
    .map((k) => {
      const ci = k.ci95 ? `${formatKpi(k, k.ci95[0])} – ${formatKpi(k, k.ci95[1])}` : '';
      return `<tr class="${k.group}"><td>${esc(k.label)}</td><td class="num">${formatKpi(k, k.mean)}</td><td class="num ci">${ci}</td></tr>`;
    })
    .join('\n');
  const policy = parsePolicy(s.policy);
  const when = new Intl.DateTimeFormat('en-GB', {
    timeZone: s.calendar.zone,
    dateStyle: 'full',
    timeStyle: 'short',
  }).format(s.start);
  const lines = s.lines
    .map((l) => `${esc(l.id)} (${l.products.map(esc).join(', ')}: ${l.unitsPerHour}/h)`)
    .join('; ');
  const events = s.capacityEvents
    .map(
      (e) =>
        `${esc(e.line)} to ${e.unitsPerHour}/h at ${labels[Math.floor((e.at - s.start) / (t.bucketMinutes * 60_000))] ?? e.at}`,
    )
    .join('; ');
  const findings = describe(result, labels);
  const figure = (title: string, body: string, note: string, key = '') =>
    `<figure><figcaption><h2>${esc(title)}</h2><p>${esc(note)}</p></figcaption>${key}${body}</figure>`;
  const lineKey = legend(t.lines.map((name, i) => ({ name, color: colorOf(i) })));
  const stationKey = legend(
    hours.load.map(({ station }, i) => ({ name: station.name, color: colorOf(i) })),
  );
  const declineKey = legend(
    declineRules.map((rule) => ({ name: rule, color: RULE_COLORS[rule] ?? '#777' })),
  );
  const quotaKey = legend(quotaLines.map((name, i) => ({ name, color: colorOf(i) })));
  const groupKey = legend([
    { name: 'by tier', color: PALETTE[0] as string },
    { name: 'by rush habit', color: PALETTE[1] as string },
  ]);
  const classKey = legend([
    { name: 'by tier', color: PALETTE[0] as string },
    { name: 'by class', color: PALETTE[1] as string },
  ]);
  const cancelled = kpiMean('orders.cancelled') ?? 0;
  const held = kpiMean('orders.held') ?? 0;
  const lifecycleNote =
    cancelled > 0 || held > 0
      ? ` ${formatKpi({ unit: 'orders' }, cancelled)} orders cancelled (never handed over, left out) and ${formatKpi({ unit: 'orders' }, held)} held${reps > 1 ? ', means per replication' : ''}.`
      : '';
  const ruleKey = legend(
    rules.map((rule) => ({
      name: rule === 'accepted' ? 'accepted' : `declined: ${rule}`,
      color: RULE_COLORS[rule] ?? '#777',
    })),
  );

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Rushline simulation: ${esc(s.name)}</title>
<style>
${STYLE}</style>
</head>
<body>
<h1>${esc(s.name)}</h1>
<p>${esc(s.description)}</p>
<dl class="meta">
<dt>Day</dt><dd>${esc(when)} (${esc(s.calendar.zone)}), orders arriving for ${s.durationHours} h; open ${esc(s.calendar.open)}–${esc(s.calendar.close)}</dd>
<dt>Lines</dt><dd>${lines}</dd>
${events ? `<dt>Capacity events</dt><dd>${events}</dd>` : ''}
<dt>Seed</dt><dd>${result.seed}${result.summary.replications > 1 ? `, ${result.summary.replications} replications (charts show the first; the table gives the mean and its 95% interval)` : ''}</dd>
<dt>Policy</dt><dd>quota ${Math.round(policy.rush.quotaShare * 100)}% (+${Math.round(policy.rush.keyReserveShare * 100)}% for key clients), tight at ${Math.round(policy.rush.tightLoad * 100)}%, same-day cutoff ${esc(policy.rush.sameDayCutoff)}, half-day ${policy.rush.halfDayHours} h; full policy below</dd>
</dl>
<h2>What this day says</h2>
<ul class="findings">${findings.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>
${figure('Queue per line over the day', queueChart, `Mean number of orders waiting in each ${t.bucketMinutes}-minute interval.`, lineKey)}
${figure('Demand against capacity', loadChart, 'Work arriving in each open hour over what the lines making it can produce in that hour. Above the dashed line the queue grows.', stationKey)}
${figure('Capacity use', useChart, 'Share of each open hour the line was producing.', lineKey)}
${figure('Rush requests over the day', rushChart, 'Client and company rush requests by the rule that decided them.', ruleKey)}
${figure('Rush declines by rule, day by day', declinesChart, `Client rush requests declined on each production day, by the gate that declined them (rules.md §4)${reps > 1 ? `, mean per replication over ${reps}` : ''}; requests in the warm-up are left out.`, declineKey)}
${figure('Rush acceptance by tier and by habit', acceptanceChart, `Share of client rush requests accepted, by the client's tier and by whether the client is a habitual rusher${reps > 1 ? ' (mean over the replications)' : ''}.`, groupKey)}
${figure('Handed over by the due time', deliveryChart, `Share of orders handed over (shipped, or picked up) by their due time: the pickup time when they have one, else the promise in force${reps > 1 ? ' (mean over the replications)' : ''}.${lifecycleNote}`, classKey)}
${figure('Rush quota used per line and day', quotaChart, 'Client-rush units accepted on each line and day over its daily quota for regular and special clients (quotaShare × the day’s capacity); key clients may go past it into their reserve. Days without a client rush on a line are blank.', quotaKey)}
${figure('Finished against promise', lateChart, 'Hours between each order’s finish and its promise: green on time, red late.')}
<h2>KPIs</h2>
<table>
<thead><tr><th>KPI</th><th class="num">${result.summary.replications > 1 ? 'mean' : 'value'}</th><th class="num">${result.summary.replications > 1 ? '95% interval' : ''}</th></tr></thead>
<tbody>
${kpiRows}
</tbody>
</table>
<details><summary>Scenario and policy as run</summary>
<pre>${esc(JSON.stringify({ scenario: s.source, policy }, null, 2))}</pre>
</details>
<p class="meta">Made by rushline simulate. Same scenario and seed give the same report.</p>
</body>
</html>
`;
}

/**
 * A few sentences a lab manager can act on. Hours over capacity and queue peaks are read off
 * the timeline, which is the first replication's; the rest are KPIs, which are means over the
 * replications. With more than one, each sentence says which it is.
 */
export function describe(result: SimulationResult, labels: readonly string[]): string[] {
  const t = result.timeline;
  const out: string[] = [];
  const days = result.summary.replications;
  // "Demand for…" becomes "In the first replication (charted), demand for…".
  const firstDay = (sentence: string) =>
    days > 1
      ? `In the first replication (charted), ${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}`
      : sentence;
  const mean = days > 1 ? `, mean of ${days} replications` : '';
  const kpi = (id: string) => result.summary.kpis.find((k) => k.id === id);
  const fmt = (id: string) => {
    const k = kpi(id);
    return k ? formatKpi(k, k.mean) : '–';
  };
  const hours = hourly(result, labels);
  for (const { station, values } of hours.load) {
    const over = values.map((v, i) => ((v ?? 0) > 1 ? i : -1)).filter((i) => i >= 0);
    if (over.length === 0) continue;
    const peak = Math.max(...values.map((v) => v ?? 0));
    out.push(
      firstDay(
        `Demand for ${station.name} is above capacity in ${over.length} open hour${over.length > 1 ? 's' : ''} (${over.map((i) => hours.labels[i]).join(', ')}), at most ${Math.round(peak * 100)}%.`,
      ),
    );
  }
  for (const id of t.lines) {
    let maxQ = 0;
    let at = 0;
    t.buckets.forEach((b, i) => {
      const q = b.lines[id]?.maxQueued ?? 0;
      if (q > maxQ) {
        maxQ = q;
        at = i;
      }
    });
    if (maxQ < 10) continue;
    const clear = t.buckets.findIndex((b, i) => i > at && (b.lines[id]?.queued ?? 0) === 0);
    out.push(
      firstDay(
        `The ${id} queue peaks at ${maxQ} orders around ${labels[at]}${clear >= 0 ? ` and is empty again by ${labels[clear]}` : ' and is not cleared within the day'}.`,
      ),
    );
  }
  out.push(
    `Client rushes accepted${mean}: ${fmt('rushAcceptance')} (immediate ${fmt('rushAcceptance.urgency.immediate')}, half-day ${fmt('rushAcceptance.urgency.half-day')}, same-day ${fmt('rushAcceptance.urgency.same-day')}, next-day ${fmt('rushAcceptance.urgency.next-day')}).`,
  );
  const declines = result.summary.kpis
    .filter((k) => k.id.startsWith('rushDeclined.') && (k.mean ?? 0) > 0)
    .sort((a, b) => (b.mean ?? 0) - (a.mean ?? 0));
  if (declines.length > 0) {
    out.push(
      `Declines by rule${mean}: ${declines.map((k) => `${k.id.slice('rushDeclined.'.length)} ${formatKpi(k, k.mean)}`).join(', ')} of client rush requests.`,
    );
  }
  out.push(
    `Promises kept${mean}: key clients ${fmt('keyOnTime')}, accepted rushes ${fmt('rushKept')}, company rushes ${fmt('companyOnTime')}, rework ${fmt('reworkOnTime')}, all orders ${fmt('onTime')}.`,
  );
  out.push(
    `Waiting to start${mean}: median ${fmt('wait.p50')}, 90th percentile ${fmt('wait.p90')}, mean for normal orders ${fmt('wait.mean.normal')}.`,
  );
  return out;
}
