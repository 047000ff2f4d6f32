/**
 * The engine's pending alarms: the times at which time passing makes something happen that a
 * listener must hear of: an order's promise passing unfinished (`late`), a rework deadline
 * passing with the rework open (`rework`). A binary heap keyed by time (`tinyqueue`) gives the
 * next one due in O(1) and takes it off in O(log n).
 *
 * An alarm is live while it is the one armed for its subject: arming a subject again (a new
 * promise) or disarming it (the order finished) leaves the old alarm in the heap, stale, and
 * `due` skips it when it comes up. So that stale alarms cannot pile up (a day of completions
 * disarms as many alarms as it armed), the heap is rebuilt from the live alarms whenever the
 * stale ones outnumber the live ones (and are more than `SLACK`): the heap then stays within
 * twice the live alarms plus `SLACK`, and each rebuild, O(n), is paid for by the n disarmings
 * before it.
 */
import TinyQueue from 'tinyqueue';

/** What an alarm is about. */
export type AlarmKind = 'late' | 'rework';

export interface Alarm {
  /** It goes off when time moves past this instant (epoch ms). */
  readonly at: number;
  readonly kind: AlarmKind;
  /** The order it is about. */
  readonly orderId: string;
  /** The order's submission sequence number: the last key, so that alarms go off in one order. */
  readonly seq: number;
}

/** Stale alarms tolerated before a rebuild is considered. */
const SLACK = 1024;

/** Time first; at one time a late promise before an overdue rework, then in submission order. */
function earlier(a: Alarm, b: Alarm): number {
  if (a.at !== b.at) return a.at - b.at;
  if (a.kind !== b.kind) return a.kind === 'late' ? -1 : 1;
  return a.seq - b.seq;
}

export class Alarms {
  private heap = new TinyQueue<Alarm>([], earlier);
  /** The live alarm of each subject, by kind and order id. */
  private readonly live: Record<AlarmKind, Map<string, Alarm>> = {
    late: new Map(),
    rework: new Map(),
  };

  /** How many alarms are live, and how many entries the heap holds (live and stale). */
  get sizes(): { live: number; heap: number } {
    return { live: this.live.late.size + this.live.rework.size, heap: this.heap.length };
  }

  /** Arms the alarm of `kind` for an order at `at`, replacing the one it had. */
  arm(kind: AlarmKind, orderId: string, seq: number, at: number): void {
    const alarm: Alarm = { at, kind, orderId, seq };
    const replaced = this.live[kind].has(orderId);
    this.live[kind].set(orderId, alarm);
    this.heap.push(alarm);
    if (replaced) this.compactIfStale();
  }

  /** Disarms the alarm of `kind` for an order, if it has one. */
  disarm(kind: AlarmKind, orderId: string): void {
    if (this.live[kind].delete(orderId)) this.compactIfStale();
  }

  /**
   * Takes off, in time order, every live alarm that time `now` has moved past (`at < now`),
   * and returns them; the stale ones met on the way are dropped.
   */
  due(now: number): Alarm[] {
    const out: Alarm[] = [];
    for (let top = this.heap.peek(); top !== undefined && top.at < now; top = this.heap.peek()) {
      this.heap.pop();
      if (this.live[top.kind].get(top.orderId) !== top) continue;
      this.live[top.kind].delete(top.orderId);
      out.push(top);
    }
    return out;
  }

  /** Forgets every alarm (before a restore arms them again). */
  clear(): void {
    this.live.late.clear();
    this.live.rework.clear();
    this.heap = new TinyQueue<Alarm>([], earlier);
  }

  /** Forgets the alarms of one kind: no one listens for them any more. */
  clearKind(kind: AlarmKind): void {
    this.live[kind].clear();
    this.compactIfStale();
  }

  private compactIfStale(): void {
    const live = this.live.late.size + this.live.rework.size;
    if (this.heap.length - live <= Math.max(live, SLACK)) return;
    this.heap = new TinyQueue([...this.live.late.values(), ...this.live.rework.values()], earlier);
  }
}
