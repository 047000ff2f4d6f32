/**
 * The durable scheduler: the `Scheduler` API over a `Store`. Every state-changing call is
 * decided on an engine that runs ahead of the disk, written to the journal with its explicit
 * time and its answer in one transaction, committed, and only then made on the engine the reads
 * answer from, and answered.
 *
 * Two engines, because a write may take a while (on PostgreSQL it is a round trip to the server)
 * and the reads are synchronous: while a call's transaction is in flight, a read must not see
 * that call. The engine is deterministic, so the second engine, given the journaled call, makes
 * exactly the same change and gives the same answer (checked). A store that commits inside
 * `append`, before it returns (`commitsAtOnce`: SQLite), has no such moment: one engine then
 * decides, the call is committed before any other code runs, and the events the call made are
 * held until the commit and delivered after it. At 10⁵ orders in hand that is the size of a
 * whole engine saved.
 *
 * Invariant: the engine the reads answer from is always the store's snapshot plus its committed
 * journal, replayed; between calls, the engine ahead is the same state. A call the engine
 * refuses (`ValidationError`) changes neither engine nor the disk. A call whose write fails
 * leaves the engine ahead of the disk, so the instance is poisoned: it refuses every later call,
 * reads included, until the store is opened again.
 */
import { ValidationError } from '../domain/errors.js';
import { callTime } from '../domain/time-input.js';
import type {
  DeliveryRecord,
  Explanation,
  ReworkRecord,
  RushRecord,
  TimeInput,
} from '../domain/types.js';
import { type ResolvedConfig, resolveConfig, type SchedulerConfig } from '../engine/config.js';
import type { SchedulerEventType, SchedulerListener } from '../engine/events.js';
import { restoreScheduler } from '../engine/restore.js';
import { createScheduler, type Scheduler } from '../engine/scheduler.js';
import type { Snapshot } from '../engine/snapshot-format.js';
import { journalEntry, resultText } from '../store/journal.js';
import { sqliteStore } from '../store/sqlite.js';
import {
  type JournalEntry,
  type OpenedStore,
  type RegisterEntry,
  type RegisterKind,
  type RegisterPage,
  type RegisterRows,
  type Store,
  type StoredCall,
  StoreError,
  type StoreHeader,
} from '../store/types.js';
import { applyCall, JOURNALED, type JournaledName, journalCall } from './calls.js';
import { Checkpointer, takesCheckpoints } from './checkpoints.js';
import {
  deliveriesOf,
  eachHeldEntry,
  entryTime,
  heldExplanation,
  type LeftEntries,
  leftMemoryAt,
  pageMark,
  type RegisterQueryOptions,
  RushOrdinals,
  registerQuery,
} from './registers.js';
import { replayTail, replayText } from './replay.js';

/** How to open a durable scheduler. */
export interface OpenSchedulerOptions {
  /** A SQLite file (created when missing), or any `Store` such as `postgresStore(...)`. */
  store: string | Store;
  /**
   * The configuration. A new store is created with it. An existing store keeps the one it was
   * created with: a `config` whose calendar, lines, products, policy or gates differ is refused
   * (`config-mismatch`). `clock` and the gate functions always come from here.
   * @default the lab's defaults, as `createScheduler()`
   */
  config?: SchedulerConfig;
  /**
   * The lab the journal belongs to; opening another lab's journal is refused (`other-lab`).
   * @default 'default'
   */
  lab?: string;
  /**
   * Begin a checkpoint after this many journaled calls since the last one, bounding what
   * opening has to replay. A checkpoint is cut at its entry and written in parts, one after
   * each later call; once committed, the journal entries it includes are deleted. A store
   * without checkpoints (a `Store` of your own without `saveCheckpointPart`) takes a whole
   * snapshot instead, and on `close()`.
   * @default 5000
   */
  snapshotEvery?: number;
  /**
   * The most characters of snapshot text in one checkpoint part (a single order's text longer
   * than that is a part of its own): what one call may wait for (one part's making and write)
   * while a checkpoint is in progress.
   * @default 131072
   */
  checkpointPartSize?: number;
  /**
   * Called once when another node holds the lab's writer lock (a shared store such as
   * PostgreSQL): this node then waits as a standby, following the journal, and `openScheduler`
   * resolves when it takes over.
   */
  onStandby?: () => void;
}

/** The configuration a store is created with, as compared on reopening. */
function configText(config: SchedulerConfig | undefined): string {
  const r = resolveConfig(config);
  return resolvedText(
    r,
    r.gates.map((g) => g.id),
  );
}

function resolvedText(r: ResolvedConfig, gates: string[]): string {
  return JSON.stringify({
    calendar: r.calendar,
    lines: r.lines,
    products: r.products,
    policy: r.policy,
    gates,
  });
}

/**
 * A store header's configuration as this version resolves it. A store written before an option
 * existed lacks it; resolved again, the option takes its default, as it does in the engine
 * restored from the store's snapshot, so only what the lab set can differ. A configuration this
 * version cannot resolve is compared as written (and so differs).
 */
function storedConfigText(stored: string): string {
  try {
    const { gates = [], ...rest } = JSON.parse(stored) as { gates?: string[] };
    return resolvedText(resolveConfig(rest), gates);
  } catch {
    return stored;
  }
}

function configDifference(stored: string, given: string): string {
  const a = JSON.parse(stored) as Record<string, unknown>;
  const b = JSON.parse(given) as Record<string, unknown>;
  const parts = Object.keys(a).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  return parts.join(', ');
}

/**
 * Opens a durable scheduler on a store, creating the store when it is new. Resolves once the
 * state is rebuilt (latest snapshot + journal tail, every replayed answer checked against the
 * recorded one). Rejects with `StoreError` for a store that is not one, another lab's, a newer
 * version's or created with another configuration, and with `ValidationError` for bad options.
 */
export async function openScheduler(options: OpenSchedulerOptions): Promise<DurableScheduler> {
  if (options === null || typeof options !== 'object')
    throw new ValidationError(
      [{ path: '', message: `expected { store, config?, lab? }, received ${String(options)}` }],
      'openScheduler',
    );
  const {
    store: where,
    config,
    lab = 'default',
    snapshotEvery = 5000,
    checkpointPartSize = 1 << 17,
  } = options;
  const issues = [];
  if (typeof where !== 'string' && (where === null || typeof where !== 'object'))
    issues.push({
      path: 'store',
      message: `expected a SQLite file path or a Store, received ${typeof where}`,
    });
  else if (typeof where === 'string' && where.length === 0)
    issues.push({
      path: 'store',
      message: 'expected a SQLite file path, received an empty string',
    });
  if (typeof lab !== 'string' || lab.length === 0)
    issues.push({ path: 'lab', message: `expected a non-empty lab name, received ${String(lab)}` });
  if (options.onStandby !== undefined && typeof options.onStandby !== 'function')
    issues.push({
      path: 'onStandby',
      message: `expected a function, received ${typeof options.onStandby}`,
    });
  if (!Number.isInteger(snapshotEvery) || snapshotEvery < 1)
    issues.push({
      path: 'snapshotEvery',
      message: `expected a whole number of calls of at least 1, received ${String(snapshotEvery)}`,
    });
  if (!Number.isInteger(checkpointPartSize) || checkpointPartSize < 1)
    issues.push({
      path: 'checkpointPartSize',
      message: `expected a whole number of characters of at least 1, received ${String(checkpointPartSize)}`,
    });
  if (issues.length > 0) throw new ValidationError(issues, 'openScheduler');
  const wanted = configText(config);
  const store = typeof where === 'string' ? sqliteStore(where) : where;
  const created = createScheduler(config).snapshot();
  let opened: OpenedStore;
  try {
    opened = await store.open({ lab, create: { config: wanted, snapshot: created } });
  } catch (e) {
    // A refused or broken store: release whatever the attempt opened.
    await store.close().catch(() => undefined);
    throw e;
  }
  try {
    const stored = config === undefined ? undefined : storedConfigText(opened.header.config);
    if (stored !== undefined && stored !== wanted) {
      throw new StoreError(
        'config-mismatch',
        `${store.description}: the store was created with another configuration (${configDifference(stored, wanted)} differ); open it without config, or with the one it was created with`,
      );
    }
    const restoreConfig = {
      ...(config?.clock ? { clock: config.clock } : {}),
      ...(config?.gates ? { gates: config.gates } : {}),
    };
    // The engine the reads answer from, and the one calls are decided on before their write.
    let engine!: Scheduler;
    let ahead!: Scheduler;
    // One engine when nothing can run between a call's decision and its commit.
    const single = store.commitsAtOnce === true;
    let seq = 0;
    // The journal entry of the latest state the store holds: opening replays the journal after it.
    let latestSeq = opened.snapshot.seq;
    // A snapshot the store parsed for this read is the engine's to keep (no copy of its orders);
    // the second engine, when there is one, is restored first, from a copy made before the first
    // engine may change what it keeps.
    const adopt = store.freshSnapshots === true;
    // The engine's time: its last call's (every journaled call moves time to its own).
    let lastTime = null as number | null;
    const restart = (from: { seq: number; snapshot: Snapshot }) => {
      lastTime = from.snapshot.lastTime;
      if (!single) ahead = restoreScheduler(structuredClone(from.snapshot), restoreConfig);
      engine = restoreScheduler(from.snapshot, restoreConfig, { adopt });
      if (single) ahead = engine;
      seq = from.seq;
      latestSeq = from.seq;
    };
    restart(opened.snapshot);
    // The check `verifyReplay` makes of a store's reopening, so that a journal it passes opens.
    // A standby whose tail was compacted by the writer starts again from the writer's checkpoint.
    const follow = (entries: JournalEntry[], from?: { seq: number; snapshot: Snapshot }) => {
      if (from) restart(from);
      const r = replayTail(single ? [engine] : [engine, ahead], seq, entries);
      seq = r.seq;
      lastTime = entries.findLast((e) => e.seq === r.seq)?.call.at ?? lastTime;
      if (r.failed)
        throw new StoreError(
          'corrupt',
          `${store.description}: journal entry ${r.failed.seq} does not replay to the answer it recorded; run rushline replay for details. Written by another version of rushline whose rules differ? Open it with that version, call checkpoint() (or run rushline checkpoint), then open it here`,
        );
    };
    follow(opened.tail);
    if (store.becomeWriter) await store.becomeWriter(seq, follow, options.onStandby);
    const reads = engine;
    const left =
      lastTime !== null && reads.config.retention === 0
        ? await leftMemoryAt(store, reads, lastTime)
        : undefined;
    const checkpointer = takesCheckpoints(store)
      ? new Checkpointer(store, () => reads, checkpointPartSize)
      : undefined;
    return new DurableScheduler(
      store,
      opened.header,
      engine,
      ahead,
      seq,
      latestSeq,
      config?.clock,
      snapshotEvery,
      checkpointer,
      left,
    );
  } catch (e) {
    await store.close();
    throw e;
  }
}

/**
 * The reads of a `Scheduler`: its public methods that change nothing. A durable scheduler
 * answers them from the engine of committed calls.
 */
type ReadName = Exclude<
  {
    [K in keyof Scheduler]: Scheduler[K] extends (...args: never[]) => unknown ? K : never;
  }[keyof Scheduler],
  JournaledName | 'load' | 'on' | 'snapshotText' | 'holdEvents'
>;

const READS = [
  'plan',
  'explain',
  'rushRegister',
  'reworkRegister',
  'registerSizes',
  'memorySizes',
  'overdueRework',
  'atRiskLog',
  'atRisk',
  'lineIds',
  'lineStatus',
  'clients',
  'deliveryRegister',
  'snapshot',
] as const satisfies readonly ReadName[];

// Every read of the `Scheduler` is forwarded: one added there and not listed above stops the build here.
type UnlistedRead = Exclude<ReadName, (typeof READS)[number]>;
const everyReadListed: [UnlistedRead] extends [never] ? true : UnlistedRead = true;
void everyReadListed;

/** The state-changing calls of a `Scheduler`, each answering once the call is committed. */
type DurableCalls = {
  [K in JournaledName]: (...args: Parameters<Scheduler[K]>) => Promise<ReturnType<Scheduler[K]>>;
};

/**
 * A scheduler whose state-changing calls are on disk before they answer, and whose reads see
 * only calls that are on disk. It has the methods of `Scheduler`, derived from it: the
 * state-changing ones (`JOURNALED`) return promises and run one at a time, in call order; the
 * reads answer at once.
 */
export interface DurableScheduler extends DurableCalls, Pick<Scheduler, (typeof READS)[number]> {}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface's methods are installed by the static block below, from `JOURNALED` and `READS`.
export class DurableScheduler {
  static {
    for (const kind of Object.keys(JOURNALED) as JournaledName[])
      Object.defineProperty(DurableScheduler.prototype, kind, {
        value(this: DurableScheduler, ...args: unknown[]) {
          return this.run(kind, args);
        },
        writable: true,
        configurable: true,
      });
    for (const name of READS)
      Object.defineProperty(DurableScheduler.prototype, name, {
        value(this: DurableScheduler, ...args: unknown[]) {
          const engine = this.read();
          return (engine[name] as (...a: unknown[]) => unknown).apply(engine, args);
        },
        writable: true,
        configurable: true,
      });
  }

  private chain: Promise<unknown> = Promise.resolve();
  private failure: StoreError | undefined;
  private closed = false;
  /** Index in the rework register of each rework order, to write its closing with its completion. */
  private readonly reworkAt = new Map<string, number>();
  /**
   * Index in the rush register of each rush order's latest entry, and its ordinal (its row's
   * key), to write it again when a cancellation, a hold or an amendment marks it.
   */
  private readonly rushAt = new Map<string, { n: number; ordinal: number }>();
  /**
   * The ordinals of the rush entries being made. Not forgotten when an order settles: at
   * `retention: 0` its id may come again within the millisecond.
   */
  private readonly rushOrdinals = new RushOrdinals();

  /** @internal Use `openScheduler`. */
  constructor(
    private readonly store: Store,
    /** What the store says about itself. */
    readonly header: StoreHeader,
    /** What the reads answer from: the committed journal's state, never more. */
    private readonly engine: Scheduler,
    /**
     * Where a call is decided before its write: ahead of `engine` while a write is in flight;
     * `engine` itself on a store that commits at once.
     */
    private readonly ahead: Scheduler,
    private seq: number,
    private snapshotSeq: number,
    private readonly clock: (() => TimeInput) | undefined,
    private readonly snapshotEvery: number,
    /** Writes checkpoints in parts; undefined for a store that only takes whole snapshots. */
    private readonly checkpointer: Checkpointer | undefined,
    /** At `retention: 0`, the rush entries of the last call's millisecond that left memory. */
    left?: LeftEntries,
  ) {
    if (left) this.rushOrdinals.count(left);
    // Each held entry numbered and given its ordinal as it was when it was made.
    eachHeldEntry(engine, {
      rush: (n, r) => this.rushAt.set(r.orderId, { n, ordinal: this.rushOrdinals.next(r) }),
      rework: (n, r) => this.reworkAt.set(r.orderId, n),
    });
  }

  /**
   * Subscribes to the scheduler's events (`Scheduler.on`). They are the events of committed
   * calls only: they fire once the call is on disk, as the reads come to see it, and before its
   * promise resolves. Opening a store fires nothing (the journal replayed on opening, or
   * followed by a standby, is history its listeners were told when it happened), so a reopened
   * store never fires an event twice. Returns the function that unsubscribes.
   */
  on<T extends SchedulerEventType>(type: T, listener: SchedulerListener<T>): () => void {
    return this.read().on(type, listener);
  }

  /** The number of the last journal entry: every call answered so far is on disk up to here. */
  get journalSeq(): number {
    return this.seq;
  }

  /** The configuration in force (the store's own), with every default filled in. */
  get config(): Scheduler['config'] {
    return this.read().config;
  }

  /** The lab's working calendar. */
  get calendar(): Scheduler['calendar'] {
    return this.read().calendar;
  }

  /**
   * The journal entry of the latest committed checkpoint (or snapshot): opening replays the
   * journal after it.
   */
  get checkpointSeq(): number {
    return this.snapshotSeq;
  }

  /**
   * A page of the rush, rework or delivery register as the store holds it (every entry,
   * whatever the engine still holds in memory), filtered: `since` (inclusive) and `until`
   * (exclusive) on the entry's time (a rush entry's `requestedAt`, a rework entry's
   * `registeredAt`, a delivery's `deliveredAt`), `clientId`, `line` (rush and rework), and
   * `outcome` (rush: `'rush-accepted'` | `'rush-declined'`; rework: `'open'` | `'closed'`;
   * delivery: `'on-time'` | `'late'`). Entries come by time, then order id, then ordinal (the
   * entries of one order at one time in register order); at most `limit` (default 100, at most
   * 10,000); pass the page's `next` (`'<at>/<ordinal>:<orderId>'`) as `after` for the next page.
   * Sees every call answered before it is called.
   */
  queryRegister(kind: 'rush', options?: RegisterQueryOptions): Promise<RegisterPage<RushRecord>>;
  queryRegister(
    kind: 'rework',
    options?: RegisterQueryOptions,
  ): Promise<RegisterPage<ReworkRecord>>;
  queryRegister(
    kind: 'delivery',
    options?: RegisterQueryOptions,
  ): Promise<RegisterPage<DeliveryRecord>>;
  async queryRegister(
    kind: RegisterKind,
    options?: RegisterQueryOptions,
  ): Promise<RegisterPage<RegisterEntry<RegisterKind>>> {
    this.usable();
    const q = registerQuery(kind, options, 'queryRegister');
    if (!this.store.queryRegister)
      throw new StoreError(
        'read-failed',
        `${this.store.description}: this store answers no register queries (it has no queryRegister)`,
      );
    const { entries, ordinals, more } = await this.store.queryRegister(q.kind, q.query);
    const last = entries.at(-1);
    if (!more || last === undefined) return { entries };
    return {
      entries,
      next: pageMark(entryTime(last), ordinals?.[entries.length - 1] ?? 0, last.orderId),
    };
  }

  /**
   * `explain(orderId)` wherever the order is: from the engine while it holds the order, and
   * otherwise as the store recorded it when the order settled (finished), for an order the
   * engine no longer holds. Throws `ValidationError` for an order neither knows.
   */
  async explainFromStore(orderId: string): Promise<Explanation> {
    const engine = this.read();
    if (typeof orderId === 'string') {
      const known =
        heldExplanation(engine, orderId) ?? (await this.store.readExplanation?.(orderId));
      if (known !== undefined) return known;
    }
    // Neither knows it: refused as explain refuses it.
    return engine.explain(orderId);
  }

  /**
   * Writes a checkpoint of the state after every call answered so far, and compacts the journal
   * behind it, so that opening the store replays no call. For an upgrade of rushline: a version
   * whose rules differ answers some calls differently, and refuses to open a store whose journal
   * tail does not replay to the answers it recorded, while a checkpoint it restores as it is. So
   * call this (or `rushline checkpoint`) with the version that wrote the store, then upgrade.
   * A checkpoint in progress is finished first; the calls made meanwhile wait, as for any call.
   * Resolves with the journal entry the state includes. On a `Store` without checkpoints it
   * writes a whole snapshot.
   *
   * A write that fails stops later calls, as a failed journal write does (`'write-failed'`). A
   * checkpoint given up (its text could not be made) is refused (`'write-failed'`), and the
   * scheduler goes on.
   */
  checkpoint(): Promise<number> {
    const step = this.chain.then(async () => {
      this.usable();
      const cp = this.checkpointer;
      let committed: number | undefined;
      try {
        if (cp?.busy) this.snapshotSeq = (await cp.finish()) ?? this.snapshotSeq;
        if (this.snapshotSeq >= this.seq) return this.snapshotSeq;
        if (cp) {
          cp.start(this.seq);
          committed = await cp.finish();
        } else {
          await this.store.saveSnapshot(this.seq, this.engine.snapshot());
          committed = this.seq;
        }
      } catch (e) {
        this.failure = new StoreError(
          'write-failed',
          `${this.store.description}: the checkpoint at journal entry ${this.seq} could not be written: ${(e as Error).message}`,
          { cause: e },
        );
        throw this.failure;
      }
      if (committed === undefined)
        throw new StoreError(
          'write-failed',
          `${this.store.description}: ${cp?.lastFailure ?? `the checkpoint at journal entry ${this.seq} was given up`}`,
        );
      this.snapshotSeq = committed;
      return committed;
    });
    this.chain = step.catch(() => undefined);
    return step;
  }

  /**
   * Waits for the calls in flight and closes the store. A checkpoint in progress is given up
   * (the journal it would have compacted stays), unless more than twice `snapshotEvery` calls
   * were journaled since the last one: then it is finished first. A store without checkpoints
   * takes a snapshot if the journal grew since the last one.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    const done = this.chain
      .catch(() => undefined)
      .then(async () => {
        this.closed = true;
        try {
          // A checkpoint in progress is given up, unless checkpoints keep being cut off (a
          // process restarted more often than one takes to build): past twice `snapshotEvery`
          // calls since the last, closing finishes it, so that the journal stays bounded.
          if (
            this.checkpointer?.busy &&
            this.failure === undefined &&
            this.seq - this.snapshotSeq >= 2 * this.snapshotEvery
          )
            this.snapshotSeq = (await this.checkpointer.finish()) ?? this.snapshotSeq;
          this.checkpointer?.close();
          if (!this.checkpointer && this.failure === undefined && this.seq > this.snapshotSeq)
            await this.store.saveSnapshot(this.seq, this.engine.snapshot());
        } finally {
          await this.store.close();
        }
      });
    this.chain = done;
    await done;
  }

  private read(): Scheduler {
    this.usable();
    return this.engine;
  }

  private usable(): void {
    if (this.closed)
      throw new StoreError('closed', `${this.store.description}: this scheduler was closed`);
    if (this.failure)
      throw new StoreError(
        'poisoned',
        `${this.store.description}: an earlier ${this.failure.code === 'corrupt' ? 'call' : 'write'} failed (${this.failure.message}); reopen the store with openScheduler`,
        { cause: this.failure },
      );
  }

  /**
   * Runs a state-changing call in turn: time, engine ahead, journal, commit, engine for reads,
   * answer. The call's time is its argument after the journaled ones.
   */
  private run(kind: JournaledName, args: readonly unknown[]): Promise<unknown> {
    const step = this.chain.then(async () => {
      this.usable();
      const now = this.timeOf(args[JOURNALED[kind].length] as TimeInput | undefined);
      const call = journalCall(kind, now, args, jsonCopy);
      const before = this.ahead.registerSizes();
      // One engine: its listeners are told of the call once it is committed, not before.
      const single = this.ahead === this.engine;
      const release = single ? this.engine.holdEvents() : undefined;
      let result: unknown;
      let entry: JournalEntry;
      let rows: RegisterRows;
      let recorded: string;
      try {
        // Throws ValidationError with no change of state: nothing to journal then.
        result = applyCall(this.ahead, call);
      } catch (e) {
        release?.(false);
        // With one engine, an internal error (a bug, never bad input) leaves no engine the
        // reads could answer from: the instance refuses them too, until reopened.
        if (single && !(e instanceof ValidationError))
          this.failure = new StoreError(
            'corrupt',
            `${this.store.description}: the engine failed deciding journal entry ${this.seq + 1}, which was not written: ${(e as Error).message}`,
            { cause: e },
          );
        throw e;
      }
      try {
        recorded = resultText(result);
        entry = journalEntry(this.seq + 1, call, recorded);
        rows = this.rowsSince(before, call, result);
      } catch (e) {
        // The engine made the call: nothing here may pass for bad input. The call cannot be
        // written, and the engine is ahead of the journal: the instance refuses what follows.
        release?.(false);
        this.failure = new StoreError(
          'corrupt',
          `${this.store.description}: journal entry ${this.seq + 1} could not be made from the engine's answer, and was not written: ${(e as Error).message}`,
          { cause: e },
        );
        throw this.failure;
      }
      try {
        await this.store.append(entry, rows);
      } catch (e) {
        release?.(false);
        this.failure = new StoreError(
          'write-failed',
          `${this.store.description}: journal entry ${entry.seq} could not be written: ${(e as Error).message}`,
          { cause: e },
        );
        throw this.failure;
      }
      // Committed: the reads may see the call now. The engine for reads gets its own copy of
      // the call, as a replay reads it from the journal, and must answer as the journal says.
      // With one engine it made the call already, and its events wait for this moment.
      this.seq = entry.seq;
      release?.(true);
      const again = release ? recorded : replayText(this.engine, JSON.parse(JSON.stringify(call)));
      if (again !== recorded) {
        // Cannot happen with a deterministic engine. The call is on disk, so it is answered,
        // but the instance cannot go on from two different states.
        this.failure = new StoreError(
          'corrupt',
          `${this.store.description}: journal entry ${entry.seq} is committed, but the engine answered it differently the second time; reopen the store with openScheduler`,
        );
        return asAnswered(result);
      }
      const due = this.seq - this.snapshotSeq >= this.snapshotEvery;
      if (this.checkpointer) {
        if (due && !this.checkpointer.busy) this.checkpointer.start(this.seq);
      } else if (due) {
        // The call is on disk whatever happens here; a failed snapshot only stops later calls.
        try {
          await this.store.saveSnapshot(this.seq, this.engine.snapshot());
          this.snapshotSeq = this.seq;
        } catch (e) {
          this.failure = new StoreError(
            'write-failed',
            `${this.store.description}: the snapshot at journal entry ${this.seq} could not be written: ${(e as Error).message}`,
            { cause: e },
          );
        }
      }
      return asAnswered(result);
    });
    // A checkpoint's next part is written after the call is answered, before the next call.
    this.chain = step.catch(() => undefined).then(() => this.checkpointStep());
    return step;
  }

  /** Writes the next part of the checkpoint in progress, if one is in hand. */
  private async checkpointStep(): Promise<void> {
    if (!this.checkpointer || this.failure || this.closed) return;
    try {
      const committed = await this.checkpointer.step();
      if (committed !== undefined) this.snapshotSeq = committed;
    } catch (e) {
      // Every answered call is on disk; a failed part only stops later calls, as a failed write does.
      this.failure = new StoreError(
        'write-failed',
        `${this.store.description}: a part of the checkpoint could not be written: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }

  private timeOf(at: TimeInput | undefined): number {
    return callTime(at, this.clock, 'a durable scheduler journals every call with its time');
  }

  /**
   * The register entries a call added, the rework entry a completion or a cancellation closed,
   * the rush entry a cancellation, a hold or an amendment marked, the hand-over a delivery made
   * and the delivery a reissue for its short items marked, and the explanation of the order it
   * settled (a completion; a delivery or a cancellation settles one too).
   */
  private rowsSince(
    before: { rush: number; rework: number },
    call: StoredCall,
    answer: unknown,
  ): RegisterRows {
    const marked =
      call.kind === 'cancel' || call.kind === 'hold' || call.kind === 'amend'
        ? this.rushAt.get(call.orderId as string)
        : undefined;
    const rush: RushRecord[] = [];
    const rushOrdinals: number[] = [];
    // The marked entry's row, of its own ordinal, unless the call made the entry (it is among
    // those added) or it left memory.
    if (marked !== undefined && marked.n < before.rush)
      for (const r of this.ahead.rushRegister(marked.n, marked.n + 1)) {
        rush.push(r);
        rushOrdinals.push(marked.ordinal);
      }
    for (const [i, r] of this.ahead.rushRegister(before.rush).entries()) {
      const ordinal = this.rushOrdinals.next(r);
      this.rushAt.set(r.orderId, { n: before.rush + i, ordinal });
      rush.push(r);
      rushOrdinals.push(ordinal);
    }
    const rework = this.ahead.reworkRegister(before.rework);
    rework.forEach((r, i) => {
      this.reworkAt.set(r.orderId, before.rework + i);
    });
    if (call.kind === 'complete' || call.kind === 'cancel') {
      const id = call.orderId as string;
      const i = this.reworkAt.get(id);
      if (i !== undefined && i < before.rework) rework.push(...this.ahead.reworkRegister(i, i + 1));
      // A settled order's entries are marked no more: their numbers are not kept past it.
      this.reworkAt.delete(id);
      this.rushAt.delete(id);
      return { rush, rushOrdinals, rework, settled: [this.ahead.explain(id)] };
    }
    const delivery = deliveriesOf(this.ahead, call, answer);
    // A hand-over changes the settled order's explanation: the stored one follows it, unless
    // the call moved time past the order's horizon and it left memory (the stored one stays).
    if (call.kind === 'deliver') {
      const explained = heldExplanation(this.ahead, call.orderId as string);
      return { rush, rushOrdinals, rework, delivery, settled: explained ? [explained] : [] };
    }
    return delivery.length > 0
      ? { rush, rushOrdinals, rework, delivery }
      : { rush, rushOrdinals, rework };
  }
}

/**
 * A call's answer as the engine gives it: the journal holds `null` where the engine answers
 * nothing (`next` on a line with nothing to start), and the caller is given `undefined`, as the
 * engine and the method's type say.
 */
function asAnswered(result: unknown): unknown {
  return result === null ? undefined : result;
}

/**
 * A copy of the caller's input as the journal will hold it: JSON data. The engine is given this
 * copy, so that it decides on exactly what a replay will see.
 */
function jsonCopy(value: unknown, path: string): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new ValidationError(
      [{ path, message: `must be JSON data to be journaled: ${(e as Error).message}` }],
      'durable scheduler',
    );
  }
  return text === undefined ? null : JSON.parse(text);
}
