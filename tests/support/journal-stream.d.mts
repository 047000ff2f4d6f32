import type { SchedulerConfig } from '../../src/index.js';

export interface StreamCall {
  kind: 'submit' | 'submitBatch' | 'setCapacity' | 'produce';
  at: number;
  [key: string]: unknown;
}
/** Options of a journal test stream: `hostile` for issue 16's names and limits. */
export interface StreamOptions {
  hostile?: boolean;
}
export declare const hostileLab: SchedulerConfig;
export declare function labOf(options?: StreamOptions): SchedulerConfig;
export declare function streamCalls(seed: number, options?: StreamOptions): StreamCall[];
export declare function runCall(
  s: unknown,
  c: StreamCall,
  state: { busy?: string },
): Promise<{ kind: string; result: unknown }>;
