export interface StreamCall {
  kind: 'submit' | 'submitBatch' | 'setCapacity' | 'produce';
  at: number;
  [key: string]: unknown;
}
export declare function streamCalls(seed: number): StreamCall[];
export declare function runCall(
  s: unknown,
  c: StreamCall,
  state: { busy?: string },
): Promise<{ kind: string; result: unknown }>;
