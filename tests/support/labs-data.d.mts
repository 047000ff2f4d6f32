import type { SchedulerConfig } from '../../src/index.js';
export declare const busyLab: SchedulerConfig;
