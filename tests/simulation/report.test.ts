/**
 * The report in a real browser: Debian's Chromium, driven by playwright-core. Every chart must
 * have rendered, nothing may be fetched from the network, and the console must stay clean.
 * `.ci/run` installs Chromium when it is missing; outside CI the test is skipped without it.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import {
  averageDay,
  peakDay,
  renderReport,
  type Scenario,
  season,
  simulate,
} from '../../src/index.js';
import { formatKpi } from '../../src/simulation/report.js';

/** The sentences under "What this day says". */
function findings(html: string): string[] {
  const list = html.match(/<ul class="findings">(.*?)<\/ul>/s)?.[1] ?? '';
  return [...list.matchAll(/<li>(.*?)<\/li>/g)].map((m) => (m[1] as string).replace(/&#39;/g, "'"));
}

describe('report.html, as text', () => {
  test('the findings say which figures are the charted first replication and which are means', async () => {
    const r = simulate(peakDay, { seed: 1, replications: 3 });
    const lines = findings(await renderReport(r));
    expect(lines.length).toBeGreaterThan(4);
    for (const line of lines)
      expect(line).toMatch(
        /^In the first replication \(charted\), |^[^:]*, mean of 3 replications: /,
      );
    const accepted = r.summary.kpis.find((k) => k.id === 'rushAcceptance');
    const share = formatKpi({ unit: 'share' }, accepted?.mean ?? null);
    expect(
      lines.filter((l) =>
        l.startsWith(`Client rushes accepted, mean of 3 replications: ${share} (`),
      ),
    ).toHaveLength(1);
    expect(
      lines.some((l) =>
        l.startsWith('In the first replication (charted), the minilab queue peaks'),
      ),
    ).toBe(true);
    // One day: nothing to tell apart.
    const one = findings(await renderReport(simulate(peakDay, { seed: 1 })));
    expect(one.some((l) => l.includes('replication') || l.includes('mean of'))).toBe(false);
  });

  test('a day of 200,000 orders renders (the margins are not spread into Math.min)', async () => {
    const r = simulate(averageDay, { seed: 1 });
    const many = {
      ...r,
      orders: Array.from({ length: 200_000 }, (_, i) => r.orders[i % r.orders.length]),
    };
    const html = await renderReport(many as typeof r);
    expect(html.match(/<svg/g)).toHaveLength(9);
  });
});

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI)
  throw new Error(`${CHROMIUM} is missing: .ci/run should have installed it`);

/** The last two weeks before Christmas of the built-in season: every chart has days to show. */
const SHORT_SEASON: Scenario = {
  ...season,
  name: 'Season, the last two weeks',
  start: '2026-12-10T00:00:00+08:00',
  days: 15,
  warmUpDays: 3,
  capacityEvents: (season.capacityEvents ?? []).filter((e) => String(e.at) >= '2026-12-10'),
};

describe.skipIf(!available)('report.html in headless Chromium', () => {
  test('every chart renders, the KPI table is complete, no request leaves the page, no console error', async () => {
    const result = simulate(SHORT_SEASON, { seed: 1, replications: 3 });
    const html = await renderReport(result);
    const file = join(mkdtempSync(join(tmpdir(), 'rushline-report-')), 'report.html');
    writeFileSync(file, html);

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning')
          problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`file://${file}`, { waitUntil: 'load' });

      const charts = await page.$$eval('figure', (figures) =>
        figures.map((f) => {
          const svg = f.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          return {
            title: f.querySelector('h2')?.textContent ?? '',
            width: box?.width ?? 0,
            height: box?.height ?? 0,
            marks: svg ? svg.querySelectorAll('path, rect').length : 0,
            texts: svg ? svg.querySelectorAll('text').length : 0,
          };
        }),
      );
      expect(charts.map((c) => c.title)).toEqual([
        'Queue per line over the day',
        'Demand against capacity',
        'Capacity use',
        'Rush requests over the day',
        'Rush declines by rule, day by day',
        'Rush acceptance by tier and by habit',
        'Handed over by the due time',
        'Rush quota used per line and day',
        'Finished against promise',
      ]);
      for (const c of charts) {
        expect(c.width, c.title).toBeGreaterThan(900);
        expect(c.height, c.title).toBeGreaterThan(250);
        // Axes, grid and data: a chart that failed to draw has a bare frame. The acceptance
        // chart has five bars, the hand-over chart six, the others a bar or point per interval or day.
        expect(c.marks, c.title).toBeGreaterThan(
          c.title.includes('acceptance') || c.title.includes('Handed over') ? 10 : 20,
        );
        expect(c.texts, c.title).toBeGreaterThan(5);
      }
      const rows = await page.$$eval('table tbody tr', (trs) => trs.length);
      expect(rows).toBe(result.summary.kpis.length);
      const meta = await page.textContent('dl.meta');
      expect(meta).toContain('Seed');
      expect(meta).toContain('3 replications');
      expect(await page.textContent('h1')).toBe(SHORT_SEASON.name);
      // The season's charts: every gate of rules.md §4 in the key of the declines by day.
      const declineKey = await page.$$eval('figure:nth-of-type(5) ul.legend li', (lis) =>
        lis.map((li) => li.textContent),
      );
      expect(declineKey).toEqual([
        'deadline-unreachable',
        'daily-rush-quota',
        'frequent-rusher',
        'large-rush-under-load',
        'would-break-promises',
      ]);
      expect(problems).toEqual([]);
      expect(requests).toEqual([`file://${file}`]);
    } finally {
      await browser.close();
    }
  });

  test('at 900 px the charts fit the page, legends are whole, time labels do not collide', async () => {
    const result = simulate(peakDay, { seed: 1 });
    const file = join(mkdtempSync(join(tmpdir(), 'rushline-report-')), 'report.html');
    writeFileSync(file, await renderReport(result));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
      await page.goto(`file://${file}`, { waitUntil: 'load' });
      const layout = {
        scrollWidth: await page.$eval('html', (html) => html.scrollWidth),
        rights: await page.$$eval('figure svg', (svgs) =>
          svgs.map((svg) => svg.getBoundingClientRect().right),
        ),
        legends: await page.$$eval('figure', (figures) =>
          figures.map((f) => [...f.querySelectorAll('ul.legend li')].map((li) => li.textContent)),
        ),
      };
      expect(layout.scrollWidth).toBeLessThanOrEqual(900);
      for (const right of layout.rights) expect(right).toBeLessThanOrEqual(900);
      const lines = result.scenario.lines.map((l) => l.id);
      expect(layout.legends).toEqual([
        lines,
        ['print (minilab + drylab)', 'album', 'crystal', 'frame'],
        lines,
        ['accepted', 'declined: deadline-unreachable'],
        ['deadline-unreachable'],
        ['by tier', 'by rush habit'],
        ['by tier', 'by class'],
        lines.filter((l) => result.summary.rushDecisions.quota.some((q) => q.line === l)),
        [],
      ]);
      // The four charts over time: no two of their texts overlap.
      const collisions = await page.$$eval('figure svg', (svgs) =>
        svgs.slice(0, 4).flatMap((svg, n) => {
          const boxes = [...svg.querySelectorAll('text')]
            .map((t) => ({ text: t.textContent, r: t.getBoundingClientRect() }))
            .filter((b) => b.r.width > 0);
          const hits: string[] = [];
          for (const [i, a] of boxes.entries())
            for (const b of boxes.slice(i + 1))
              if (
                a.r.left < b.r.right - 1 &&
                b.r.left < a.r.right - 1 &&
                a.r.top < b.r.bottom - 1 &&
                b.r.top < a.r.bottom - 1
              )
                hits.push(`chart ${n + 1}: '${a.text}' and '${b.text}'`);
          return hits;
        }),
      );
      expect(collisions).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
