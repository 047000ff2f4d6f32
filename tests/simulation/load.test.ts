/**
 * Scenario and policy files: YAML and JSON are read by one parser that keeps positions, so a
 * bad value is reported with its field and its line.
 */
import { describe, expect, test } from 'vitest';
import {
  parsePolicyText,
  parseScenario,
  parseScenarioText,
  safeParseScenario,
  scenarios,
} from '../../src/index.js';
import { issuesOf } from '../support/issues.js';

const YAML = `name: Small lab
start: 2026-11-23T00:00:00+08:00
durationHours: 24
arrivals:
  perHour: 20
mix:
  products: { print: 3, album: 1 }
  tiers: { key: 1, regular: 4 }
  quantity:
    print: { dist: lognormal, mean: 30, sd: 20 }
    album: { dist: fixed, value: 1 }
  rush:
    share: 0.1
    urgency: { same-day: 1 }
    companyShare: 0.2
    causes: { damaged: 1 }
  clients: { count: 50, habitualShare: 0.1 }
`;

describe('scenario files', () => {
  test('a YAML scenario parses, with the default lab filled in', () => {
    const s = parseScenarioText(YAML, { file: 'small.yaml' });
    expect(s.lines.map((l) => l.id)).toEqual(['print', 'album', 'crystal', 'frame']);
    expect(s.perHour).toHaveLength(24);
    expect(s.mix.products).toEqual([
      ['print', 0.75],
      ['album', 0.25],
    ]);
  });

  test('the same scenario as JSON parses to the same thing', () => {
    const fromYaml = parseScenarioText(YAML);
    const json = JSON.stringify(fromYaml.source, null, 2);
    expect(parseScenarioText(json)).toEqual(fromYaml);
  });

  test('a bad value is reported with its path, its line and column, and the file', () => {
    const bad = YAML.replace('share: 0.1', 'share: 1.5');
    const issues = issuesOf(() => parseScenarioText(bad, { file: 'small.yaml' }));
    expect(issues).toEqual([
      { path: 'mix.rush.share', message: 'must be between 0 and 1', line: 13, column: 5 },
    ]);
    expect(() => parseScenarioText(bad, { file: 'small.yaml' })).toThrow(
      'small.yaml:13:5: mix.rush.share: must be between 0 and 1',
    );
  });

  test('JSON positions too, and every problem at once', () => {
    const json = JSON.stringify(
      { ...parseScenarioText(YAML).source, durationHours: -1, warmupHours: 'x' },
      null,
      2,
    );
    const issues = issuesOf(() => parseScenarioText(json, { file: 'day.json' }));
    const lineOf = (key: string) => json.split('\n').findIndex((l) => l.includes(`"${key}"`)) + 1;
    expect(issues.map((i) => [i.path, i.line])).toEqual([
      ['durationHours', lineOf('durationHours')],
      ['warmupHours', lineOf('warmupHours')],
    ]);
  });

  test('a missing field points at the object that lacks it; an unknown one at itself', () => {
    const missing = issuesOf(() => parseScenarioText(YAML.replace('    companyShare: 0.2\n', '')));
    expect(missing).toEqual([
      { path: 'mix.rush.companyShare', message: 'is required', line: 12, column: 3 },
    ]);
    const unknown = issuesOf(() =>
      parseScenarioText(YAML.replace('durationHours: 24', 'durationHours: 24\nduration: 3')),
    );
    expect(unknown[0]?.message).toBe("unknown field 'duration'");
  });

  test('what only the whole scenario can tell: unknown products, products no line makes, unknown lines', () => {
    const src = parseScenarioText(YAML).source;
    const issues = issuesOf(() =>
      parseScenario({
        ...src,
        lines: [{ id: 'print', products: ['print'], unitsPerHour: 100 }],
        mix: { ...src.mix, products: { print: 1, album: 1, poster: 1 } },
        capacityEvents: [{ at: '11:00', line: 'minilab', unitsPerHour: 50 }],
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      'mix.products.album',
      'mix.products.poster',
      'mix.quantity.poster',
      'capacityEvents.0.line',
    ]);
    expect(issues[0]?.message).toBe('no line makes this product');
  });

  test('an unknown distribution names the ones there are and what came', () => {
    const issues = issuesOf(() => parseScenarioText(YAML.replace('dist: fixed', 'dist: fixd')));
    expect(issues).toEqual([
      {
        path: 'mix.quantity.album.dist',
        message:
          "must be one of 'fixed', 'exponential', 'lognormal', 'geometric', received \"fixd\"",
        line: 11,
        column: 14,
      },
    ]);
  });

  test('a YAML syntax error is reported with its line', () => {
    const issues = issuesOf(() =>
      parseScenarioText('name: x\nmix: { products: [\n', { file: 'broken.yaml' }),
    );
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]?.line).toBeGreaterThanOrEqual(2);
  });

  test('a YAML syntax error says its file, line and column in the message', () => {
    expect(() =>
      parseScenarioText('name: x\nmix: { products: [\n', { file: 'broken.yaml' }),
    ).toThrow(/^broken\.yaml:\d+:\d+: /);
  });

  test('aliases that repeat a part of the file are read as that part', () => {
    const text = YAML.replace(
      '    print: { dist: lognormal, mean: 30, sd: 20 }\n    album: { dist: fixed, value: 1 }',
      '    print: &one { dist: fixed, value: 1 }\n    album: *one',
    );
    const s = parseScenarioText(text);
    expect(s.mix.quantity).toEqual({
      print: { dist: 'fixed', value: 1 },
      album: { dist: 'fixed', value: 1 },
    });
  });

  test('an alias without its anchor is a ValidationError at the alias, not a ReferenceError', () => {
    const issues = issuesOf(() =>
      parsePolicyText('rush:\n  quotaShare: *nope\n', { file: 'p.yaml' }),
    );
    expect(issues).toEqual([
      {
        path: 'rush.quotaShare',
        message: 'alias *nope has no anchor &nope before it',
        line: 2,
        column: 15,
      },
    ]);
    expect(() => parsePolicyText('rush:\n  quotaShare: *nope\n', { file: 'p.yaml' })).toThrow(
      'p.yaml:2:15: rush.quotaShare: alias *nope has no anchor &nope before it',
    );
    const loop = issuesOf(() => parsePolicyText('rush: &r\n  again: *r\n'));
    expect(loop[0]?.message).toBe(
      'alias *r is inside the value it names: that value would never end',
    );
  });

  test('an alias bomb is refused before it is expanded', () => {
    // Each level repeats the one before ten times: 10¹² values from twelve lines.
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const issues = issuesOf(() => parsePolicyText(`${lines.join('\n')}\n`, { file: 'bomb.yaml' }));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toBe(
      'aliases repeat more than 10000 values in all (here 1234567901210); write the values out instead',
    );
    expect(issues[0]?.line).toBeGreaterThan(1);
  });

  test('YAML tags that make something other than plain data are refused where they stand', () => {
    for (const [text, tag] of [
      ['rush: !!set {a, b}\n', '!!set'],
      ['rush: !!omap [a: 1]\n', '!!omap'],
      ['rush: !!binary aGVsbG8=\n', '!!binary'],
      ['rush: !!timestamp 2001-12-14\n', '!!timestamp'],
      ['rush: !lab {a: 1}\n', '!lab'],
    ] as const) {
      const issues = issuesOf(() => parsePolicyText(text));
      expect(issues, text).toEqual([
        {
          path: 'rush',
          message: `the YAML tag ${tag} is not supported: write a plain mapping, list, string, number, true/false or null`,
          line: 1,
          // The value the tag is on.
          column: text.indexOf(tag) + tag.length + 2,
        },
      ]);
    }
    // A YAML 1.1 document reads a bare date as a timestamp: refused as well.
    expect(issuesOf(() => parsePolicyText('%YAML 1.1\n---\nrush: 2001-12-14\n'))[0]?.message).toBe(
      'a date/time value is not supported: quote it to make it a string',
    );
    // The tags of plain data are what they say.
    expect(
      parsePolicyText('rush: !!map { quotaShare: !!float 0.3, sameDayCutoff: !!str "15:00" }\n'),
    ).toEqual({
      rush: { quotaShare: 0.3, sameDayCutoff: '15:00' },
    });
  });

  test('a key given twice is reported at both places', () => {
    const issues = issuesOf(() =>
      parsePolicyText('rush:\n  quotaShare: 0.2\n  tightLoad: 0.9\n  quotaShare: 0.3\n', {
        file: 'p.yaml',
      }),
    );
    expect(issues).toEqual([
      {
        path: 'rush.quotaShare',
        message: 'is given twice (first at line 2)',
        line: 4,
        column: 3,
      },
    ]);
    const many = Array.from({ length: 3000 }, (_, i) => `k${i % 1500}: 1`).join('\n');
    const dups = issuesOf(() => parsePolicyText(many));
    expect(dups).toHaveLength(1500);
    expect(dups[0]).toMatchObject({
      path: 'k0',
      line: 1501,
      message: 'is given twice (first at line 1)',
    });
  });

  test('a key that is not a plain string or number is refused', () => {
    const issues = issuesOf(() => parsePolicyText('? [a, b]\n: 1\n'));
    expect(issues[0]?.message).toBe('a key must be a plain string or number, received a list');
  });

  test('a policy file is checked laid over the default policy, with positions', () => {
    expect(parsePolicyText('rush:\n  quotaShare: 0.4\n')).toEqual({ rush: { quotaShare: 0.4 } });
    const issues = issuesOf(() =>
      parsePolicyText('rush:\n  quotaShare: 0.4\n  tightLoad: 2\n', { file: 'p.yaml' }),
    );
    expect(issues).toEqual([
      { path: 'rush.tightLoad', message: 'must be between 0 and 1', line: 3, column: 3 },
    ]);
  });

  test('__proto__ keys in a scenario are read like any other key', () => {
    // In the policy, where the fields are fixed, it is an unknown field, named.
    expect(
      issuesOf(() =>
        parseScenarioText(`${YAML}policy:\n  __proto__:\n    rush: { quotaShare: 1 }\n`),
      ),
    ).toEqual([{ path: 'policy', message: "unknown field '__proto__'", line: 18, column: 1 }]);
    // In the mix, it is a product: one the catalog lacks, or one without a quantity.
    const mix = YAML.replace('{ print: 3, album: 1 }', '{ print: 3, album: 1, __proto__: 1 }');
    expect(issuesOf(() => parseScenarioText(mix)).map((i) => i.path)).toEqual([
      'mix.products.__proto__',
      'mix.quantity.__proto__',
    ]);
    const quantity = YAML.replace(
      '{ print: 3, album: 1 }',
      '{ print: 3, album: 1, constructor: 1 }',
    );
    expect(issuesOf(() => parseScenarioText(quantity)).map((i) => i.path)).toEqual([
      'mix.products.constructor',
      'mix.quantity.constructor',
    ]);
  });

  test('values the engine cannot run are refused by the scenario, with the limit in the message', () => {
    const src = parseScenarioText(YAML).source;
    const issues = issuesOf(() =>
      parseScenario({
        ...src,
        mix: {
          ...src.mix,
          quantity: {
            print: { dist: 'lognormal', mean: 0.001, sd: 1e300 },
            album: { dist: 'fixed', value: 1e12 },
          },
          pickupLeadHours: [1, 1e300],
          clients: { count: 1e12, habitualShare: 0.1 },
        },
        capacityEvents: [{ at: '11:00', line: 'print', unitsPerHour: 1e-300 }],
      }),
    );
    expect(issues).toEqual([
      {
        path: 'mix.quantity.print.mean',
        message: 'must be from 1 to 1000000 items on average, received 0.001',
      },
      {
        path: 'mix.quantity.print.sd',
        message: 'must be more than 0 and at most 1000000 (standard deviation of items)',
      },
      {
        path: 'mix.quantity.album.value',
        message: 'must be a whole number from 1 to 1000000 (items in an order)',
      },
      {
        path: 'mix.pickupLeadHours.1',
        message: 'must be more than 0 and at most 8784 (hours)',
      },
      { path: 'mix.clients.count', message: 'must be a whole number from 1 to 100000 clients' },
      {
        path: 'capacityEvents.0.unitsPerHour',
        message: 'must be from 0.01 to 10000000 units per working hour, received 1e-300',
      },
    ]);
  });

  test('orders must arrive inside the years the engine works in', () => {
    const src = parseScenarioText(YAML).source;
    const issues = issuesOf(() =>
      parseScenario({ ...src, start: '2199-12-31T00:00:00Z', durationHours: 48 }),
    );
    expect(issues).toEqual([
      {
        path: 'durationHours',
        message:
          'must end by 2200-01-01T00:00:00Z, the end of the times the engine works in; the scenario starts at 2199-12-31T00:00:00Z',
      },
    ]);
  });

  test('the built-in scenarios are valid, and safeParseScenario returns rather than throws', () => {
    for (const s of Object.values(scenarios)) expect(safeParseScenario(s).success).toBe(true);
    const r = safeParseScenario({ name: '' });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues.map((i) => i.path)).toContain('start');
  });
});
