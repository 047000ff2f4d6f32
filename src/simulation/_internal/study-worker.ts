/**
 * The worker thread's side of `study`: runs one replication and sends back what is kept of it.
 * Each thread of the pool loads this module once and runs replication after replication.
 */
import type { MessagePort } from 'node:worker_threads';
import type { ResolvedScenario } from '../scenario.js';
import { type Replication, type RunPlan, replicationStream, runReplication } from '../simulate.js';

/** One replication to run, as `study` sends it: plain data, and a port for progress. */
export interface ReplicationTask {
  s: ResolvedScenario;
  plan: RunPlan;
  r: number;
  /** Where to post how many of the replication's orders are done, every `step` of them. */
  progress?: { port: MessagePort; step: number };
}

export default function replicate({ s, plan, r, progress }: ReplicationTask): Replication {
  let done = 0;
  const onOrder = progress
    ? () => {
        done++;
        if (done % progress.step === 0) progress.port.postMessage(done);
      }
    : undefined;
  try {
    return runReplication(s, plan, r, replicationStream(plan.seed, r), onOrder);
  } finally {
    progress?.port.close();
  }
}
