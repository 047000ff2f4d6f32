/**
 * The events a `Scheduler` tells its listeners (`on(type, listener)`), and the hub that delivers
 * them. A lab's systems follow the engine through these instead of polling it: the service that
 * tells a client their order is late, the board that shows what started and finished.
 *
 * Delivery rules, which the hub maintains:
 * - An event is delivered after the call that caused it has completed its change: a listener
 *   that reads the scheduler sees the state the call left.
 * - Events are delivered in the order they were emitted, one at a time. An event emitted while
 *   listeners run (a listener that calls the scheduler) waits until the events before it were
 *   delivered to every listener, so every listener sees one order.
 * - A listener that throws neither stops the other listeners nor makes the call throw: the
 *   error is given to the `'listener-error'` listeners, or, when there is none (or one of them
 *   throws too), written as a process warning (`process.emitWarning`).
 * - An event is frozen, deeply: a listener cannot change what another one sees, nor the engine.
 */
import type {
  AtRiskReport,
  Completion,
  Decision,
  DeliveryRecord,
  ReworkRecord,
  StartedOrder,
} from '../domain/types.js';

/** Every event carries its type and `at`, the time it happened (epoch ms). */
interface Happened<T extends string> {
  readonly type: T;
  /** When it happened, as the engine's clock knows it (epoch ms). */
  readonly at: number;
}

/** A decision was made: a submission, or (from the order's lifecycle calls) a release or an amendment. */
export interface DecisionEvent extends Happened<'decision'> {
  readonly orderId: string;
  readonly decision: Decision;
}

/** An order was reported at risk: its promise can no longer be kept as things stand. */
export interface AtRiskEvent extends Happened<'at-risk'> {
  readonly orderId: string;
  readonly report: AtRiskReport;
}

/** A line started an order. */
export interface StartedEvent extends Happened<'started'> {
  readonly orderId: string;
  readonly started: StartedOrder;
}

/** A line finished an order. */
export interface FinishedEvent extends Happened<'finished'> {
  readonly orderId: string;
  readonly completion: Completion;
}

/**
 * An order's promise passed while it was still queued or in production. Emitted once per promise
 * when the engine's time moves past the promise (`at` is that call's time, at or after
 * `promisedBy`); the order was reported at risk, and that event delivered, before it.
 */
export interface LateEvent extends Happened<'late'> {
  readonly orderId: string;
  readonly line: string;
  readonly promisedBy: number;
  readonly status: 'queued' | 'in-production';
}

/** An order left the plan for good. */
export interface CancelledEvent extends Happened<'cancelled'> {
  readonly orderId: string;
  readonly line: string;
}

/** An order was put on hold: it is not produced and holds no capacity. */
export interface HeldEvent extends Happened<'held'> {
  readonly orderId: string;
  readonly line: string;
}

/** A held order came back, with a new decision. */
export interface ReleasedEvent extends Happened<'released'> {
  readonly orderId: string;
  readonly decision: Decision;
}

/** An order was handed over to its client (shipped or picked up). */
export interface DeliveredEvent extends Happened<'delivered'> {
  readonly orderId: string;
  readonly delivery: DeliveryRecord;
}

/** Time passed a rework deadline with the rework still open. Emitted once per rework entry. */
export interface ReworkOverdueEvent extends Happened<'rework-overdue'> {
  readonly orderId: string;
  readonly rework: ReworkRecord;
}

/** A listener threw; the event it was given and what it threw. */
export interface ListenerErrorEvent extends Happened<'listener-error'> {
  /** The event whose listener threw. */
  readonly event: SchedulerEvent;
  readonly error: unknown;
}

/** Every event of a `Scheduler` by its type: `on(type, listener)` takes one of these keys. */
export interface SchedulerEventMap {
  decision: DecisionEvent;
  'at-risk': AtRiskEvent;
  started: StartedEvent;
  finished: FinishedEvent;
  late: LateEvent;
  cancelled: CancelledEvent;
  held: HeldEvent;
  released: ReleasedEvent;
  delivered: DeliveredEvent;
  'rework-overdue': ReworkOverdueEvent;
  'listener-error': ListenerErrorEvent;
}

/** The type of an event: `'decision'`, `'late'`, … */
export type SchedulerEventType = keyof SchedulerEventMap;

/** Any event of a `Scheduler`. */
export type SchedulerEvent = SchedulerEventMap[SchedulerEventType];

/** A listener of events of type `T`. What it returns is ignored. */
export type SchedulerListener<T extends SchedulerEventType> = (event: SchedulerEventMap[T]) => void;

/** The event types `on` accepts, in the order the documentation lists them. */
export const EVENT_TYPES: readonly SchedulerEventType[] = Object.freeze([
  'decision',
  'at-risk',
  'started',
  'finished',
  'late',
  'cancelled',
  'held',
  'released',
  'delivered',
  'rework-overdue',
  'listener-error',
]);

/** One subscription: a box, so that the same function subscribed twice is two subscriptions. */
interface Subscription {
  readonly listener: (event: never) => void;
}

/** The listeners of a scheduler and the events waiting to be delivered to them. */
export class EventHub {
  private readonly listeners = new Map<SchedulerEventType, Subscription[]>();
  private readonly queue: SchedulerEvent[] = [];
  private delivering = false;
  /** While true, `deliver` keeps the events queued: `release` then delivers or drops them. */
  private held = false;

  /** Whether anyone listens to `type`: events nobody listens to are not even built. */
  wants(type: SchedulerEventType): boolean {
    return (this.listeners.get(type)?.length ?? 0) > 0;
  }

  /** Subscribes; returns the function that ends this subscription (calling it again does nothing). */
  on<T extends SchedulerEventType>(type: T, listener: SchedulerListener<T>): () => void {
    const sub: Subscription = { listener };
    const list = this.listeners.get(type) ?? [];
    // A fresh array: a delivery in progress keeps iterating the list it started with.
    this.listeners.set(type, [...list, sub]);
    return () => {
      const now = this.listeners.get(type) ?? [];
      const rest = now.filter((s) => s !== sub);
      if (rest.length !== now.length) this.listeners.set(type, rest);
    };
  }

  /** Queues an event for delivery by the next `deliver`; an event nobody listens to is dropped. */
  emit(event: SchedulerEvent): void {
    if (this.wants(event.type)) this.queue.push(deepFreeze(event));
  }

  /**
   * Delivers the queued events, in order. Called at the end of every state-changing call, once
   * its change is complete; a call made by a listener queues its events behind the ones being
   * delivered, and the outer delivery delivers them.
   */
  deliver(): void {
    // Nothing queued is the common case: every call ends here, listened to or not.
    if (this.delivering || this.held || this.queue.length === 0) return;
    this.delivering = true;
    try {
      for (let i = 0; i < this.queue.length; i++) {
        const event = this.queue[i] as SchedulerEvent;
        for (const sub of this.listeners.get(event.type) ?? []) {
          try {
            (sub.listener as (e: SchedulerEvent) => void)(event);
          } catch (error) {
            this.failed(event, error);
          }
        }
      }
    } finally {
      this.queue.length = 0;
      this.delivering = false;
    }
  }

  /**
   * Keeps the events of the calls that follow queued until `release`: for a caller that must
   * do something (commit the call) before anyone is told of it.
   */
  hold(): void {
    this.held = true;
  }

  /** Ends `hold`: delivers the events queued meanwhile, or drops them (the call did not stand). */
  release(deliver: boolean): void {
    this.held = false;
    if (deliver) this.deliver();
    else if (!this.delivering) this.queue.length = 0;
  }

  /** Surfaces a listener's error: to the `'listener-error'` listeners, else as a process warning. */
  private failed(event: SchedulerEvent, error: unknown): void {
    if (event.type !== 'listener-error' && this.wants('listener-error')) {
      this.queue.push(deepFreeze({ type: 'listener-error', at: event.at, event, error }));
      return;
    }
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    globalThis.process?.emitWarning?.(
      `a rushline listener of '${event.type}' threw: ${text}`,
      'RushlineListenerWarning',
    );
  }
}

/** Freezes a plain event and everything in it (the error of a `'listener-error'` is left as thrown). */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const [k, v] of Object.entries(value)) if (k !== 'error') deepFreeze(v);
  return value;
}
