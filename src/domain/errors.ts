/** One problem found in an input: where it is and what is wrong with it. */
export interface ValidationIssue {
  /** Dotted path to the offending value, e.g. `rush.quotaShare` or `orders.3.quantity`; empty for the whole input. */
  path: string;
  /** What was expected, in words, e.g. `must be between 0 and 1`. */
  message: string;
  /** For input read from a file: the 1-based line and column of the offending value. */
  line?: number;
  column?: number;
}

/**
 * Thrown by every public call that is given bad input. It lists every problem found, each with
 * its path, and the call that threw it has changed nothing.
 */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  readonly issues: ValidationIssue[];

  constructor(issues: ValidationIssue[], context?: string) {
    const list = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
    super(`${context ? `${context}: ` : ''}${list.join('; ')}`);
    this.issues = issues;
  }
}

/** The outcome of a `safe*` call: the value, or the problems (zod's convention). */
export type SafeResult<T> = { success: true; data: T } | { success: false; error: ValidationError };

/**
 * What was thrown, in words: an error's message, or the value as text. Reading it never throws
 * in turn, whatever was thrown: a value that cannot even be turned into text is said to be one.
 */
export function thrownText(thrown: unknown): string {
  try {
    return thrown instanceof Error ? String(thrown.message) : String(thrown);
  } catch {
    return 'a thrown value that cannot be shown';
  }
}
