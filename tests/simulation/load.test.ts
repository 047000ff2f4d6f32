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
  ValidationError,
} from '../../src/index.js';

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

function issuesOf(fn: () => unknown): ValidationError['issues'] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

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

  test('the built-in scenarios are valid, and safeParseScenario returns rather than throws', () => {
    for (const s of Object.values(scenarios)) expect(safeParseScenario(s).success).toBe(true);
    const r = safeParseScenario({ name: '' });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues.map((i) => i.path)).toContain('start');
  });
});
