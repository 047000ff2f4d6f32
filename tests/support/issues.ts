import { ValidationError } from '../../src/index.js';

/** The issues a call throws as a `ValidationError`; any other outcome fails the test. */
export function issuesOf(call: () => unknown): ValidationError['issues'] {
  try {
    call();
  } catch (e) {
    if (e instanceof ValidationError) return e.issues;
    throw e;
  }
  throw new Error('expected a ValidationError');
}
