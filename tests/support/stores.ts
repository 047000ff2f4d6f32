import type { Store } from '../../src/index.js';

/**
 * A `Store` of one's own over `inner`: every method forwarded (the optional ones only when
 * `inner` has them), with `overrides` in their place. It never says `commitsAtOnce`: a wrapper's
 * commit may wait, so the durable scheduler keeps two engines over it.
 */
export function forwarding(inner: Store, overrides: Partial<Store> = {}): Store {
  const { saveCheckpointPart, commitCheckpoint, queryRegister, readExplanation } = inner;
  return {
    description: inner.description,
    open: (o) => inner.open(o),
    append: (e, r) => inner.append(e, r),
    saveSnapshot: (seq, snap) => inner.saveSnapshot(seq, snap),
    ...(saveCheckpointPart && commitCheckpoint
      ? {
          saveCheckpointPart: (seq, part, text) => saveCheckpointPart.call(inner, seq, part, text),
          commitCheckpoint: (seq, parts) => commitCheckpoint.call(inner, seq, parts),
        }
      : {}),
    readHistory: () => inner.readHistory(),
    readRegisters: (since) => inner.readRegisters(since),
    ...(queryRegister ? { queryRegister: queryRegister.bind(inner) } : {}),
    ...(readExplanation ? { readExplanation: readExplanation.bind(inner) } : {}),
    close: () => inner.close(),
    ...overrides,
  };
}

/** The store, with a commit that waits a turn of the event loop, as a server's does. */
export function committingLater(inner: Store): Store {
  return forwarding(inner, {
    append: async (e, r) => {
      await new Promise((resolve) => setImmediate(resolve));
      return inner.append(e, r);
    },
  });
}
