/**
 * The report of a sweep: one self-contained HTML page showing the trade-off a policy makes,
 * client rushes accepted against plain orders late and key clients on time, one point per
 * cell with its 95% intervals as whiskers, and the cells on the Pareto front marked. Drawn with
 * the simulation report's chart renderer, style and helpers.
 */
import { chartRenderer, colorOf, esc, formatKpi, legend, STYLE } from './report.js';
import { type SweepResult, type SweepSummary, TRADE_OFF } from './sweep.js';
import type { Kpi } from './types.js';

type Cell = SweepSummary['cells'][number];

const FRONT = '#b8435a';
const OTHER = '#2f6db5';

const kpiOf = (c: Cell, id: string): Kpi | undefined => c.kpis.find((k) => k.id === id);
const round = (v: number) => Number(v.toFixed(4));

/** Renders the report of a sweep as one HTML page. */
export async function renderSweepReport(result: SweepResult): Promise<string> {
  const svg = await chartRenderer('renderSweepReport');
  const summary = result.summary;
  const [acceptance, plainLate, keyOnTime] = TRADE_OFF.map((t) => t.id) as [string, string, string];
  const percent = { formatter: (v: number) => `${Math.round(v * 100)}%` };

  /** One scatter of `y` against `x`: the cells, their intervals, the front's cells marked. */
  const tradeOff = (x: string, y: string, xName: string, yName: string) => {
    const placed = summary.cells.flatMap((c) => {
      const kx = kpiOf(c, x);
      const ky = kpiOf(c, y);
      return kx?.mean != null && ky?.mean != null ? [{ c, kx, ky }] : [];
    });
    const point = (p: (typeof placed)[number]) => ({
      value: [round(p.kx.mean as number), round(p.ky.mean as number)],
      name: p.c.id,
    });
    const whiskers = (axis: 'x' | 'y') =>
      placed.flatMap((p) => {
        const k = axis === 'x' ? p.kx : p.ky;
        if (!k.ci95) return [];
        const at = axis === 'x' ? (p.ky.mean as number) : (p.kx.mean as number);
        const ends = k.ci95.map((v) =>
          axis === 'x' ? [round(v), round(at)] : [round(at), round(v)],
        );
        return [{ coords: ends }];
      });
    const front = placed
      .filter((p) => p.c.pareto)
      .sort((a, b) => (a.kx.mean as number) - (b.kx.mean as number));
    return svg({
      grid: { left: 70, right: 40, top: 40, bottom: 60 },
      xAxis: {
        type: 'value',
        name: xName,
        nameLocation: 'middle',
        nameGap: 35,
        scale: true,
        axisLabel: percent,
      },
      yAxis: { type: 'value', name: yName, scale: true, axisLabel: percent },
      series: [
        {
          type: 'lines',
          coordinateSystem: 'cartesian2d',
          silent: true,
          lineStyle: { color: '#999', width: 1 },
          data: [...whiskers('x'), ...whiskers('y')],
        },
        {
          type: 'scatter',
          name: 'cells',
          symbolSize: 9,
          itemStyle: { color: OTHER },
          data: placed.filter((p) => !p.c.pareto).map(point),
        },
        {
          type: 'scatter',
          name: 'on the front',
          symbol: 'diamond',
          symbolSize: 13,
          itemStyle: { color: FRONT },
          data: front.map(point),
        },
      ],
    });
  };

  const key = legend([
    { name: 'on the Pareto front', color: FRONT },
    { name: 'dominated', color: OTHER },
    { name: '95% interval', color: '#999' },
  ]);
  const figure = (title: string, body: string, note: string) =>
    `<figure><figcaption><h2>${esc(title)}</h2><p>${esc(note)}</p></figcaption>${key}${body}</figure>`;
  const rows = summary.cells
    .map((c) => {
      const cells = TRADE_OFF.map(({ id }) => {
        const k = kpiOf(c, id);
        if (!k) return '<td class="num">–</td><td class="num ci"></td>';
        const ci = k.ci95 ? `${formatKpi(k, k.ci95[0])} – ${formatKpi(k, k.ci95[1])}` : '';
        return `<td class="num">${formatKpi(k, k.mean)}</td><td class="num ci">${ci}</td>`;
      }).join('');
      const values = c.values.map((v) => `<td class="num">${v}</td>`).join('');
      return `<tr${c.pareto ? ' class="assessment"' : ''}>${values}${cells}<td>${c.pareto ? 'front' : ''}</td></tr>`;
    })
    .join('\n');
  const label = (id: string) => summary.cells[0]?.kpis.find((k) => k.id === id)?.label ?? id;
  const axes = summary.axes
    .map(
      (a, i) => `<span style="color:${colorOf(i)}">${esc(a.path)}</span>: ${a.values.join(', ')}`,
    )
    .join('; ');
  const onFront = summary.cells.filter((c) => c.pareto).length;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Rushline sweep: ${esc(summary.scenario)}</title>
<style>
${STYLE}</style>
</head>
<body>
<h1>Policy sweep: ${esc(summary.scenario)}</h1>
<p>${esc(result.scenario.description)}</p>
<dl class="meta">
<dt>Varied</dt><dd>${axes} (${summary.cells.length} cells)</dd>
<dt>Days</dt><dd>seed ${summary.seed}, ${summary.replications} replication${summary.replications > 1 ? 's' : ''} per cell: every cell runs on the same days</dd>
<dt>Pareto front</dt><dd>${onFront} of ${summary.cells.length} cells: no other cell accepts more client rushes, leaves fewer plain orders late and keeps more key clients on time, all at once</dd>
</dl>
${figure(`${label(acceptance)} against ${label(plainLate).toLowerCase()}`, tradeOff(plainLate, acceptance, 'plain orders late', 'client rushes accepted'), 'Each point is a cell (its mean over the days), its whiskers the 95% intervals. Up and to the left is better.')}
${figure(`${label(acceptance)} against ${label(keyOnTime).toLowerCase()}`, tradeOff(keyOnTime, acceptance, 'key clients on time', 'client rushes accepted'), 'The same cells against the key clients’ share on time. Up and to the right is better.')}
<h2>Cells</h2>
<table>
<thead><tr>${summary.axes.map((a) => `<th class="num">${esc(a.path)}</th>`).join('')}${TRADE_OFF.map(({ id }) => `<th class="num">${esc(label(id))}</th><th class="num">95% interval</th>`).join('')}<th></th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<details><summary>Base policy</summary>
<pre>${esc(JSON.stringify(summary.base, null, 2))}</pre>
</details>
<p class="meta">Made by rushline sweep. Same scenario, axes and seed give the same report.</p>
</body>
</html>
`;
}
