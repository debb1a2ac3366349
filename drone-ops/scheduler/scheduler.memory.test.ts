import { describeJobScheduler } from './scheduler.conformance.js';
import { MemoryJobScheduler } from './scheduler.memory.js';

describeJobScheduler('in-process', (opts) => Promise.resolve(new MemoryJobScheduler(opts)));
import { describeSchedulerCapacity } from './scheduler.capacity.conformance.js';

describeSchedulerCapacity('in-process', (opts) => Promise.resolve(new MemoryJobScheduler(opts)));
