/**
 * The calls of a journal test stream, from a seed: the stream's submissions, batches and
 * capacity changes, and after each of them one production step on the print line (start the
 * next order, or finish the one in production). Every call is one journal entry. Shared by the
 * child process and the tests that rebuild its run without interruption.
 */
import fc from 'fast-check';
import { arbitraries } from '../../dist/testing/index.js';
import { busyLab } from './labs-data.mjs';

export function streamCalls(seed) {
  const [stream] = fc.sample(
    arbitraries.orderStreams(busyLab, { maxOrders: 120, capacityChanges: true, maxGapMinutes: 20 }),
    { seed, numRuns: 1 },
  );
  const calls = [];
  for (const item of stream) {
    if ('order' in item) calls.push({ kind: 'submit', at: item.at, order: item.order });
    else if ('batch' in item) calls.push({ kind: 'submitBatch', at: item.at, orders: item.batch });
    else calls.push({ kind: 'setCapacity', at: item.at, ...item.capacity });
    calls.push({ kind: 'produce', at: item.at });
  }
  return calls;
}

/**
 * Runs one call on a scheduler (durable or not: the answers are awaited either way) and
 * returns `{ kind, result }`. `state.busy` is the order in production on the print line.
 */
export async function runCall(s, c, state) {
  if (c.kind === 'submit') return { kind: c.kind, result: await s.submit(c.order, c.at) };
  if (c.kind === 'submitBatch')
    return { kind: c.kind, result: await s.submitBatch(c.orders, c.at) };
  if (c.kind === 'setCapacity')
    return { kind: c.kind, result: await s.setCapacity(c.line, c.unitsPerHour, c.at) };
  if (state.busy === undefined) {
    const started = (await s.next('print', c.at)) ?? null;
    state.busy = started?.orderId;
    return { kind: 'next', result: started };
  }
  const done = await s.complete(state.busy, c.at);
  state.busy = undefined;
  return { kind: 'complete', result: done };
}
