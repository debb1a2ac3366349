/** What every part of the drone-ops service works with: the store, the intents, the scheduler, the link, the bus. */
import type { EventBus } from '../../kernel/bus.js';
import type { Clock } from '../../kernel/clock.js';
import type { Logger } from '../../kernel/logger.js';
import type { DroneLink } from '../link/drone-link.js';
import type { JobScheduler } from '../scheduler/scheduler.js';
import type { IntentRegistry } from '../store/intents.js';
import type { DroneOpsStore } from '../store/types.js';

export interface OpsContext {
  store: DroneOpsStore;
  intents: IntentRegistry;
  scheduler: JobScheduler;
  link: DroneLink;
  bus: EventBus;
  clock: Clock;
  log: Logger;
}
