/**
 * What the CLI prints: a compact summary of a simulation with an ASCII chart of the queue,
 * and the side-by-side table of a comparison.
 */
import asciichart from 'asciichart';
import type { Comparison } from '../simulation/compare.js';
import { describe, formatKpi } from '../simulation/report.js';
import type { Kpi, SimulationResult } from '../simulation/types.js';

const SHOWN: Kpi['group'][] = [
  'assessment',
  'acceptance',
  'lines',
  'waiting',
  'lateness',
  'volume',
];

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}
function lpad(s: string, n: number): string {
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
}

/** Averages a series down to at most `width` points. */
function squeeze(xs: readonly number[], width: number): number[] {
  if (xs.length <= width) return [...xs];
  const out: number[] = [];
  const step = xs.length / width;
  for (let i = 0; i < width; i++) {
    const part = xs.slice(Math.floor(i * step), Math.floor((i + 1) * step));
    out.push(part.reduce((a, b) => a + b, 0) / Math.max(1, part.length));
  }
  return out;
}

export function summaryText(result: SimulationResult): string {
  const s = result.scenario;
  const t = result.timeline;
  const zone = s.calendar.zone;
  const hm = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const labels = t.buckets.map((b) => hm.format(b.start));
  const lines: string[] = [];
  const reps = result.summary.replications;
  lines.push(
    `${s.name} — seed ${result.seed}${reps > 1 ? `, ${reps} replications (mean [95% interval])` : ''}`,
  );
  lines.push('');
  for (const f of describe(result, labels)) lines.push(`  • ${f}`);
  lines.push('');
  const total = t.buckets.map((b) =>
    t.lines.reduce((a, id) => a + (b.lines[id]?.meanQueued ?? 0), 0),
  );
  if (total.some((x) => x > 0)) {
    lines.push(`Orders waiting, all lines (${labels[0]} to ${labels[labels.length - 1]}):`);
    lines.push(
      asciichart.plot(squeeze(total, 72), {
        height: 8,
        format: (x: number) => lpad(x.toFixed(0), 5),
      }),
    );
    lines.push('');
  }
  let group = '';
  for (const k of result.summary.kpis) {
    if (!SHOWN.includes(k.group)) continue;
    if (k.group !== group) {
      group = k.group;
      lines.push(group.toUpperCase());
    }
    const ci = k.ci95 ? `  [${formatKpi(k, k.ci95[0])} – ${formatKpi(k, k.ci95[1])}]` : '';
    lines.push(`  ${pad(k.label, 44)} ${lpad(formatKpi(k, k.mean), 9)}${ci}`);
  }
  return `${lines.join('\n')}\n`;
}

export function comparisonTable(cmp: Comparison, names: readonly string[]): string {
  const [first, ...rest] = cmp.results;
  if (!first) return '';
  const lines: string[] = [];
  lines.push(
    `${first.scenario.name} — seed ${first.seed}, ${first.summary.replications} replications, the same days for every policy`,
  );
  lines.push(`A = ${names[0]}`);
  rest.forEach((_, i) => {
    lines.push(`${String.fromCharCode(66 + i)} = ${names[i + 1]}`);
  });
  lines.push('');
  const head = [
    pad('KPI', 44),
    lpad('A', 9),
    ...rest.flatMap((_, i) => [
      lpad(String.fromCharCode(66 + i), 9),
      lpad(`${String.fromCharCode(66 + i)} − A [95% interval]`, 34),
    ]),
  ];
  lines.push(head.join(' '));
  first.summary.kpis.forEach((k, j) => {
    const row = [pad(k.label, 44), lpad(formatKpi(k, k.mean), 9)];
    rest.forEach((r, i) => {
      const other = r.summary.kpis[j];
      const d = cmp.differences[i]?.[j];
      row.push(lpad(other ? formatKpi(other, other.mean) : '–', 9));
      if (!d || d.mean === null) {
        row.push(lpad('–', 34));
        return;
      }
      const sign = d.mean > 0 ? '+' : '';
      const ci = d.ci95 ? ` [${formatKpi(d, d.ci95[0])}, ${formatKpi(d, d.ci95[1])}]` : '';
      row.push(lpad(`${sign}${formatKpi(d, d.mean)}${ci}${d.significant ? ' *' : '  '}`, 34));
    });
    lines.push(row.join(' '));
  });
  lines.push('');
  lines.push('* the 95% interval of the difference excludes zero.');
  return `${lines.join('\n')}\n`;
}
