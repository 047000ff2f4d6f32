import type { Store } from '../../src/index.js';

/**
 * A store as a rushline before checkpoints wrote it, and as a `Store` of one's own without
 * `saveCheckpointPart` is used: whole snapshots every `snapshotEvery` calls and on closing,
 * and the whole journal kept.
 */
export function wholeSnapshotsOnly(inner: Store): Store {
  return {
    description: inner.description,
    open: (o) => inner.open(o),
    append: (e, r) => inner.append(e, r),
    saveSnapshot: (seq, snap) => inner.saveSnapshot(seq, snap),
    readHistory: () => inner.readHistory(),
    readRegisters: (since) => inner.readRegisters(since),
    close: () => inner.close(),
  };
}
