/** Labs shared by the property tests (the data is in labs-data.mjs, which child processes import too). */
import type { SchedulerConfig } from '../../src/index.js';
import { busyLab as data } from './labs-data.mjs';

/**
 * Two small lines and short turnarounds, so a stream of a few dozen orders loads them: every
 * gate fires, promises move to available-to-promise, and company rushes make orders late (the
 * coverage test in tests/engine/guarantees.test.ts keeps it that way).
 */
export const busyLab: SchedulerConfig = data;
