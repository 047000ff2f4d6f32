#!/usr/bin/env -S node --single-threaded-gc
/**
 * The `rushline` executable. Node runs it with V8's garbage collector on the thread it collects:
 * a study's worker threads then do not compete with the collector's helper threads for the
 * cores (on two cores, 2 workers ran 16 days of 10⁵ orders 0.98× as fast as 1 with the
 * helpers, 1.5× without; docs/benchmarks.md).
 */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
