/** The alert service: engine wiring, persistence, operator operations, backtests. */
export { AlertService, type AlertServiceOptions } from './alert-service.js';
export { AlertApi, INCIDENT_GROUPING, type AlertAction, type AlertActionInput, type AlertDetail, type SilenceInput } from './alert-api.js';
export { backtest, type BacktestResult } from './backtest.js';
export { RuleCatalog } from './rule-catalog.js';
export { sensorResourceFinder, staticSubjects, subjectInfo, type Subject, type SubjectDirectory, type ResourceFinder, type HistorySource } from './ports.js';
