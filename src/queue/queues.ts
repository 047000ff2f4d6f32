/**
 * The queue floor's door: the structures a line keeps, made behind their interfaces. Their
 * representations (treaps in typed arrays) live in `_internal/` and nothing outside this floor
 * names them.
 */
import { FcfsTree } from './_internal/fcfs-tree.js';
import { LedgerTree } from './_internal/ledger-tree.js';
import type { FcfsIndex } from './fcfs-index.js';
import type { PromiseLedger } from './promise-ledger.js';

/** An empty promise ledger. */
export function newPromiseLedger(): PromiseLedger {
  return new LedgerTree();
}

/** An empty first-uploaded, first-made index. */
export function newFcfsIndex(): FcfsIndex {
  return new FcfsTree();
}
