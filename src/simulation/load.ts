/**
 * Reading scenario and policy files. JSON is a subset of YAML 1.2, so one parser reads both
 * and keeps the position of every value: each validation issue is given the line and column
 * of the field it is about.
 *
 * The files are read as plain data: mappings, lists, strings, numbers, true/false and null.
 * The document is turned into values by one walk of our own rather than by the `yaml`
 * package's `toJS`, so that reading stays linear in the size of the file whatever it holds: a
 * key given twice is found with one set per mapping (the package's own `uniqueKeys` check
 * compares each key with every key before it, which took 2.6 s for 20,000 keys and grows
 * with the square), an alias costs one lookup (the package searches the whole document for
 * each one), and what aliases would repeat is counted before anything is repeated.
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
} from 'yaml';
import { ValidationError, type ValidationIssue } from '../domain/errors.js';
import { type PolicyInput, parsePolicy } from '../domain/policy.js';
import { parseScenario, type ResolvedScenario } from './scenario.js';

/** Where a text came from, for the messages. */
export interface TextSource {
  /** The file name to print in messages. @default 'input' */
  file?: string;
}

/**
 * The most values aliases may repeat in one file, counted as if every alias were written out.
 * Far more than a hand-written file uses; an alias bomb (a dozen lines that repeat a value a
 * trillion times) is refused by this count before anything is built.
 */
const MAX_ALIASED_VALUES = 10_000;

/** The tags of plain data; any other tag (`!!set`, `!!omap`, `!!binary`, `!!timestamp`, `!local`) is refused. */
const PLAIN_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);

const kindOf = (node: unknown) => (isMap(node) ? 'a mapping' : isSeq(node) ? 'a list' : 'an alias');

/** A tag as the file wrote it: `!!set` for the YAML tags, the local tag as it is. */
const shortTag = (tag: string) => tag.replace(/^tag:yaml\.org,2002:/, '!!');

/** What an anchor names: its value, and how many values it stands for once written out. */
interface Anchored {
  value: unknown;
  size: number;
  /** The anchored node is still being read: an alias to it would be inside it. */
  open: boolean;
}

/**
 * Turns a document into plain values, or into the issues that prevent it. One walk, in the
 * document's order, so an alias meets only the anchors set before it, as YAML requires.
 */
function toPlain(
  doc: Document,
  lineCounter: LineCounter,
): { value: unknown; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const anchors = new Map<string, Anchored>();
  let aliased = 0;
  let firstAlias: { path: string; offset: number } | undefined;
  const issue = (path: string, offset: number | undefined, message: string) => {
    const pos = lineCounter.linePos(offset ?? 0);
    issues.push({ path, message, line: pos.line, column: pos.col });
  };

  /** The value of `node` and the number of values it stands for. */
  const walk = (node: unknown, path: string): { value: unknown; size: number } => {
    const n = node as Node | null;
    const offset = n?.range?.[0];
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) {
        issue(path, offset, `alias *${node.source} has no anchor &${node.source} before it`);
        return { value: null, size: 1 };
      }
      if (target.open) {
        issue(
          path,
          offset,
          `alias *${node.source} is inside the value it names: that value would never end`,
        );
        return { value: null, size: 1 };
      }
      aliased += target.size;
      firstAlias ??= { path, offset: offset ?? 0 };
      return { value: target.value, size: target.size };
    }
    const anchor = n?.anchor;
    const entry: Anchored = { value: null, size: 1, open: true };
    if (anchor) anchors.set(anchor, entry);
    const tag = n?.tag;
    let result: { value: unknown; size: number };
    if (tag !== undefined && !PLAIN_TAGS.has(tag)) {
      issue(
        path,
        offset,
        `the YAML tag ${shortTag(tag)} is not supported: write a plain mapping, list, string, number, true/false or null`,
      );
      result = { value: null, size: 1 };
    } else if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const seen = new Map<string, number>();
      let size = 1;
      for (const pair of node.items) {
        const key = pair.key;
        const keyOffset = (key as Node | null)?.range?.[0] ?? offset;
        if (key !== null && !isScalar(key)) {
          issue(path, keyOffset, `a key must be a plain string or number, received ${kindOf(key)}`);
          continue;
        }
        const keyValue = key?.value ?? null;
        if (
          (key?.tag !== undefined && !PLAIN_TAGS.has(key.tag)) ||
          (keyValue !== null && typeof keyValue === 'object')
        ) {
          issue(path, keyOffset, 'a key must be a plain string or number');
          continue;
        }
        const name = String(keyValue);
        const at = path ? `${path}.${name}` : name;
        const first = seen.get(name);
        if (first !== undefined) {
          issue(at, keyOffset, `is given twice (first at line ${lineCounter.linePos(first).line})`);
          continue;
        }
        seen.set(name, keyOffset ?? 0);
        const v = walk(pair.value, at);
        size += v.size;
        // A key `__proto__` is data like any other: defined, never assigned (which would set the prototype).
        if (name === '__proto__')
          Object.defineProperty(out, name, {
            value: v.value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        else out[name] = v.value;
      }
      result = { value: out, size };
    } else if (isSeq(node)) {
      let size = 1;
      const out = node.items.map((item, i) => {
        const v = walk(item, path ? `${path}.${i}` : String(i));
        size += v.size;
        return v.value;
      });
      result = { value: out, size };
    } else if (isScalar(node)) {
      const v = node.value;
      if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
        result = { value: v, size: 1 };
      } else {
        // Only a document that declares YAML 1.1 makes other values from untagged text.
        issue(
          path,
          offset,
          v instanceof Date
            ? 'a date/time value is not supported: quote it to make it a string'
            : `a value of type ${typeof v} is not supported`,
        );
        result = { value: null, size: 1 };
      }
    } else {
      // An empty document, or an empty value in a mapping.
      result = { value: null, size: 1 };
    }
    entry.value = result.value;
    entry.size = result.size;
    entry.open = false;
    return result;
  };

  const { value } = walk(doc.contents, '');
  if (aliased > MAX_ALIASED_VALUES && firstAlias) {
    issue(
      firstAlias.path,
      firstAlias.offset,
      `aliases repeat more than ${MAX_ALIASED_VALUES} values in all (here ${aliased}); write the values out instead`,
    );
  }
  return { value, issues };
}

/** A `ValidationError` whose message gives each issue as `file:line:column: path: message`. */
function located(file: string, issues: ValidationIssue[]): ValidationError {
  const error = new ValidationError(issues);
  error.message = issues
    .map(
      (i) => `${file}:${i.line ?? 1}:${i.column ?? 1}: ${i.path ? `${i.path}: ` : ''}${i.message}`,
    )
    .join('\n');
  return error;
}

/** Parses YAML or JSON text, then validates it with `parse`; issues carry the file position. */
export function parseTextWith<T>(
  text: string,
  parse: (value: unknown) => T,
  source: TextSource = {},
): T {
  const file = source.file ?? 'input';
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw located(
      file,
      doc.errors.map((e): ValidationIssue => {
        const pos = lineCounter.linePos(e.pos[0]);
        return {
          path: '',
          message: e.message.split('\n')[0] ?? e.message,
          line: pos.line,
          column: pos.col,
        };
      }),
    );
  }
  const { value, issues } = toPlain(doc, lineCounter);
  if (issues.length > 0) throw located(file, issues);
  try {
    return parse(value);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const index = new WeakMap<object, Map<string, Pair>>();
    throw located(
      file,
      error.issues.map((issue): ValidationIssue => {
        const offset = locate(
          doc.contents as Node | null,
          issue.path ? issue.path.split('.') : [],
          index,
        );
        if (offset === undefined) return issue;
        const pos = lineCounter.linePos(offset);
        return { ...issue, line: pos.line, column: pos.col };
      }),
    );
  }
}

/**
 * The offset of the deepest part of `path` present in the document: the key of a field (where
 * a reader looks for it), the item of a list, or the closest enclosing field when it is missing.
 * Each mapping's keys are indexed once, so locating every issue of a large file stays linear.
 */
function locate(
  root: Node | null,
  path: readonly string[],
  index: WeakMap<object, Map<string, Pair>>,
): number | undefined {
  let node: unknown = root;
  let offset = (root as Node | null)?.range?.[0];
  for (const part of path) {
    if (isMap(node)) {
      let keys = index.get(node);
      if (!keys) {
        keys = new Map();
        for (const p of node.items) {
          const name = isScalar(p.key) ? String(p.key.value) : undefined;
          if (name !== undefined && !keys.has(name)) keys.set(name, p);
        }
        index.set(node, keys);
      }
      const pair = keys.get(part);
      if (!pair) return offset;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(part)] as Node | undefined;
      if (!item) return offset;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}

/** Reads a scenario from YAML or JSON text. Throws `ValidationError` with file positions. */
export function parseScenarioText(text: string, source: TextSource = {}): ResolvedScenario {
  return parseTextWith(text, parseScenario, source);
}

/**
 * Reads a partial policy from YAML or JSON text and checks it laid over `defaultPolicy`.
 * Answers the policy as written, to be given to a scenario or a scheduler. Throws
 * `ValidationError` with file positions.
 */
export function parsePolicyText(text: string, source: TextSource = {}): PolicyInput {
  return parseTextWith(
    text,
    (value) => {
      parsePolicy(value ?? {});
      return (value ?? {}) as PolicyInput;
    },
    source,
  );
}
