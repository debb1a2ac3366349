import { MemoryJobScheduler } from '../drone-ops/scheduler/index.js';
import { describeSchedulerLag } from './scheduler-lag.conformance.js';

describeSchedulerLag('memory', (opts) => new MemoryJobScheduler(opts));
