/**
 * Reading scenario and policy files. JSON is a subset of YAML 1.2, so one parser reads both
 * and keeps the position of every value: each validation issue is given the line and column
 * of the field it is about.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { ValidationError, type ValidationIssue } from '../domain/errors.js';
import { type PolicyInput, parsePolicy } from '../domain/policy.js';
import { parseScenario, type ResolvedScenario } from './scenario.js';

/** Where a text came from, for the messages. */
export interface TextSource {
  /** The file name to print in messages. @default 'input' */
  file?: string;
}

/** Parses YAML or JSON text, then validates it with `parse`; issues carry the file position. */
export function parseTextWith<T>(
  text: string,
  parse: (value: unknown) => T,
  source: TextSource = {},
): T {
  const file = source.file ?? 'input';
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e): ValidationIssue => {
      const pos = lineCounter.linePos(e.pos[0]);
      return {
        path: '',
        message: e.message.split('\n')[0] ?? e.message,
        line: pos.line,
        column: pos.col,
      };
    });
    throw new ValidationError(issues, `${file}: not valid YAML or JSON`);
  }
  try {
    return parse(doc.toJS());
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const issues = error.issues.map((issue): ValidationIssue => {
      const offset = locate(doc.contents as Node | null, issue.path ? issue.path.split('.') : []);
      if (offset === undefined) return issue;
      const pos = lineCounter.linePos(offset);
      return { ...issue, line: pos.line, column: pos.col };
    });
    const list = issues.map(
      (i) => `${file}:${i.line ?? 1}:${i.column ?? 1}: ${i.path ? `${i.path}: ` : ''}${i.message}`,
    );
    const wrapped = new ValidationError(issues);
    wrapped.message = list.join('\n');
    throw wrapped;
  }
}

/**
 * The offset of the deepest part of `path` present in the document: the key of a field (where
 * a reader looks for it), the item of a list, or the closest enclosing field when it is missing.
 */
function locate(root: Node | null, path: readonly string[]): number | undefined {
  let node: unknown = root;
  let offset = (root as Node | null)?.range?.[0];
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === part);
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
