/** The scenario catalogue (`citybrain sim scenario --list`) and the runner/verifier entry points. */
import { bridgeOverload, badFirmware, deviceSilent, elevatorEntrapment } from './structures.js';
import type { ScenarioDefinition, ScenarioScript } from './types.js';
import { gasLeak, pipeBurst, waterlogging } from './utilities.js';

export const SCENARIOS: readonly ScenarioDefinition[] = [gasLeak, pipeBurst, waterlogging, elevatorEntrapment, bridgeOverload, deviceSilent, badFirmware];

export const scenarioNames = (): string[] => SCENARIOS.map((s) => s.name);

/** The script of scenario `name` for (seed, runId), or undefined for an unknown name. */
export function buildScenario(name: string, seed: number, runId: string): ScenarioScript | undefined {
  return SCENARIOS.find((s) => s.name === name)?.build(seed, runId);
}

export type { Expectation, ScenarioDefinition, ScenarioDevice, ScenarioScript, Severity, Step } from './types.js';
export { judge, formatVerdict, type Observed, type Verdict, type VerdictRow } from './verify.js';
export { runScenario, type RunOptions, type RunResult } from './runner.js';
export { watchViolations, type WatchOptions } from './watch.js';
