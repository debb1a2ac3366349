/** The alert service: engine wiring, persistence, operator operations, backtests. */
export { AlertService, type AlertServiceOptions, type ResolveGuard } from './alert-service.js';
export { AlertApi, INCIDENT_GROUPING, type AlertAction, type AlertActionInput, type AlertApiOptions, type AlertDetail, type AlertDispatch, type SilenceInput } from './alert-api.js';
export { AutoDispatch, AUTO_DISPATCH_POLICIES, wantsAutoDispatch, type AutoDispatchOptions, type AutoDispatchPolicy } from './auto-dispatch.js';
export { backtest, type BacktestResult } from './backtest.js';
export { RuleCatalog } from './rule-catalog.js';
export {
  sensorResourceFinder, staticSubjects, subjectInfo,
  type Subject, type SubjectDirectory, type ResourceFinder, type HistorySource,
  type Dispatcher, type DispatchOrder, type DispatchResult, type Dispatched, type DispatchRefused,
} from './ports.js';
export type { DockResource, ResourceMatch, ImpactArea } from '../impact.js';
