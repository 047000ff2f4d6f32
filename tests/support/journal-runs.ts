/**
 * Running the journal child (journal-child.mjs) from a test, and checking what it printed
 * against a store: shared by the SQLite crash test and the PostgreSQL takeover test.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { type Decision, type RushRecord, type Store, verifyReplay } from '../../src/index.js';

const CHILD = fileURLToPath(new URL('../support/journal-child.mjs', import.meta.url));
export const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

export interface Printed {
  i: number;
  seq: number;
  kind: string;
  result: unknown;
  /** The rush register entries the call added, as the child's engine holds them. */
  rush: RushRecord[];
  /** The journal entry of the child's latest committed checkpoint after the call. */
  checkpoint: number;
}

/** A running child: its answers so far, and what it has said about itself. */
export interface ChildRun {
  /** Resolves when the child has exited (or was killed). */
  done: Promise<{ printed: Printed[]; killed: boolean; stderr: string }>;
  /** Resolves with the first line that has this key (`ready`, `standby`, `done`). */
  said(key: string): Promise<Record<string, unknown>>;
  /** Lets a child started with `hold` begin its stream. */
  go(): void;
  kill(): void;
}

/** How to run the child: see `startChild`. */
export interface ChildOptions {
  killAfter?: number;
  from?: number | 'auto';
  hold?: boolean;
  hostile?: boolean;
}

/**
 * Starts the child on `where`. It kills it with SIGKILL once it has printed `killAfter` answers
 * (never, when undefined). With `hold`, the child opens the store and waits for `go()` before
 * its first call. `from` is the first call of the stream, or 'auto' for the journal's length
 * (a node taking over resumes the stream where the journal ends). With `hostile`, the child
 * runs the hostile stream (journal-stream.mjs) on its lab.
 */
export function startChild(where: string, seed: number, options: ChildOptions = {}): ChildRun {
  const child = spawn(process.execPath, [CHILD, where, String(seed), String(options.from ?? 0)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...(options.hold ? { RUSHLINE_CHILD_HOLD: '1' } : {}),
      ...(options.hostile ? { RUSHLINE_CHILD_STREAM: 'hostile' } : {}),
    },
  });
  const printed: Printed[] = [];
  const seen = new Map<string, Record<string, unknown>>();
  const waiting = new Map<string, ((line: Record<string, unknown>) => void)[]>();
  let buffer = '';
  let stderr = '';
  let killed = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>;
      buffer = buffer.slice(nl + 1);
      if (killed) continue;
      for (const key of Object.keys(line)) {
        if (seen.has(key)) continue;
        seen.set(key, line);
        for (const resolve of waiting.get(key) ?? []) resolve(line);
      }
      if ('i' in line) printed.push(line as unknown as Printed);
      if (options.killAfter !== undefined && printed.length >= options.killAfter && !killed) {
        killed = child.kill('SIGKILL');
      }
    }
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const done = new Promise<{ printed: Printed[]; killed: boolean; stderr: string }>(
    (resolve, reject) => {
      child.on('error', reject);
      child.on('close', () => resolve({ printed, killed, stderr }));
    },
  );
  return {
    done,
    said: (key) =>
      new Promise((resolve, reject) => {
        const line = seen.get(key);
        if (line) return resolve(line);
        waiting.set(key, [...(waiting.get(key) ?? []), resolve]);
        done.then(() => reject(new Error(`the child exited without saying '${key}': ${stderr}`)));
      }),
    go: () => {
      child.stdin.end('go\n');
    },
    kill: () => {
      killed = child.kill('SIGKILL');
    },
  };
}

/** Runs the child to its end, or until it is killed after `killAfter` answers. */
export function runChild(
  where: string,
  seed: number,
  options: Pick<ChildOptions, 'killAfter' | 'hostile'> = {},
) {
  return startChild(where, seed, options).done;
}

/** Every printed answer is on disk exactly as printed: the journal, the rush register, the engine. */
export async function checkPrinted(
  store: Store,
  printed: Printed[],
  s: {
    explain: (id: string) => { decision: Decision };
    journalSeq: number;
    snapshot: () => { orders: { order: { id: string } }[] };
  },
) {
  // The journal after the oldest state kept: entries a checkpoint covers were compacted, and
  // the answers they gave are checked against the reopened engine below and by the caller.
  const { seq: kept, journal } = await store.readHistory();
  const bySeq = new Map(journal.map((e) => [e.seq, JSON.stringify(e.result)]));
  for (const p of printed.filter((x) => x.seq > kept))
    expect(bySeq.get(p.seq), `journal entry ${p.seq}`).toBe(JSON.stringify(p.result));
  // Sequence numbers run on from the state kept without a gap.
  expect(journal.map((e) => e.seq)).toEqual(journal.map((_, i) => kept + i + 1));

  const rush = new Map((await store.readRegisters()).rush.map((r) => [r.orderId, r]));
  const decisions = printed.flatMap((p) =>
    p.kind === 'submit'
      ? [p.result as Decision]
      : p.kind === 'submitBatch'
        ? (p.result as Decision[])
        : [],
  );
  for (const d of decisions.filter((x) => x.outcome !== 'queued')) {
    const r = rush.get(d.orderId) as RushRecord;
    expect(r, `rush register entry of ${d.orderId}`).toBeDefined();
    expect({
      outcome: r.outcome,
      promisedBy: r.promisedBy,
      reasons: r.reasons,
      atRisk: r.atRisk,
      earliestPossible: r.earliestPossible,
    }).toEqual({
      outcome: d.outcome,
      promisedBy: d.promisedBy,
      reasons: d.reasons,
      atRisk: d.atRisk,
      earliestPossible: d.earliestPossible,
    });
  }
  const report = await verifyReplay(store);
  expect(report.mismatches).toEqual([]);
  expect(report.registerProblems).toEqual([]);
  expect(report.ok).toBe(true);

  expect(s.journalSeq).toBeGreaterThanOrEqual(printed.at(-1)?.seq ?? 0);
  // An order finished longer ago than the retention horizon has left the engine's memory (the
  // journal and the registers, checked above, still hold its decision); every other is explained.
  const held = new Set(s.snapshot().orders.map((o) => o.order.id));
  for (const d of decisions)
    if (held.has(d.orderId)) expect(s.explain(d.orderId).decision).toEqual(d);
  return { decisions: decisions.length, journal: journal.length };
}
