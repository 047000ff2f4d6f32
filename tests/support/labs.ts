/** Labs shared by the property tests. */
import type { SchedulerConfig } from '../../src/index.js';

/**
 * Two small lines and short turnarounds, so a stream of a few dozen orders loads them: every
 * gate fires, promises move to available-to-promise, and company rushes make orders late (the
 * coverage test in tests/engine/guarantees.test.ts keeps it that way).
 */
export const busyLab: SchedulerConfig = {
  lines: [
    { id: 'print', products: ['print'], unitsPerHour: 40 },
    { id: 'gifts', products: ['album', 'crystal', 'frame'], unitsPerHour: 10 },
  ],
  policy: {
    standardTurnaroundHours: { key: 6, special: 8, regular: 12 },
    rush: { frequentRushCount: 2, tightLoad: 0.6 },
  },
};
