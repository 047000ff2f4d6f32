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
import { peakDay, renderReport, simulate } from '../../src/index.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI)
  throw new Error(`${CHROMIUM} is missing: .ci/run should have installed it`);

describe.skipIf(!available)('report.html in headless Chromium', () => {
  test('every chart renders, the KPI table is complete, no request leaves the page, no console error', async () => {
    const result = simulate(peakDay, { seed: 1, replications: 3 });
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
        'Finished against promise',
      ]);
      for (const c of charts) {
        expect(c.width, c.title).toBeGreaterThan(900);
        expect(c.height, c.title).toBeGreaterThan(250);
        // Axes, grid and data: a chart that failed to draw has a bare frame.
        expect(c.marks, c.title).toBeGreaterThan(20);
        expect(c.texts, c.title).toBeGreaterThan(5);
      }
      const rows = await page.$$eval('table tbody tr', (trs) => trs.length);
      expect(rows).toBe(result.summary.kpis.length);
      const meta = await page.textContent('dl.meta');
      expect(meta).toContain('Seed');
      expect(meta).toContain('3 replications');
      expect(await page.textContent('h1')).toBe(peakDay.name);
      expect(problems).toEqual([]);
      expect(requests).toEqual([`file://${file}`]);
    } finally {
      await browser.close();
    }
  });
});
