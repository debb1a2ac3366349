/**
 * What the response routes need (the composition root adapts the response module to it, app/response.ts).
 * Views are plain JSON objects with ISO 8601 times; refusals cross as AppErrors (TASK_NOT_FOUND,
 * TASK_STATE_CONFLICT, UNIT_NOT_FOUND, UNIT_INVALID, PLAN_INVALID, NO_RESPONSE_PLAN, ALERT_NOT_FOUND…).
 */
export type View = Record<string, unknown>;

/** Whose tasks a caller sees: one unit's (responders), within districts, or all (undefined). */
export interface TaskViewer {
  unit?: string | null;
  districts?: string[] | null;
}

export interface Caller {
  id: string;
  name: string;
}

export type TaskActionBody =
  | { type: 'accept' }
  | { type: 'decline'; reason: string }
  | { type: 'status'; state: 'en_route' | 'on_site' | 'done' }
  | { type: 'verify' }
  | { type: 'cancel'; reason: string };

export interface ResponsePort {
  listResources(q: { kind?: string; type?: string; districts?: string[] }): Promise<View[]>;
  /** Throws UNIT_NOT_FOUND (also outside `districts`). */
  getResource(id: string, districts: string[] | null): Promise<View>;
  /** Create or replace; `secrets` holds webhook secrets generated now. Throws UNIT_INVALID, UNIT_NOT_FOUND (supervisor), SCOPE_EXCEEDED. */
  putResource(input: unknown, id: string | undefined, districts: string[] | null): Promise<{ resource: View; secrets: Record<string, string>; created: boolean }>;
  deleteResource(id: string, districts: string[] | null): Promise<void>;
  setDuty(id: string, duty: 'on' | 'off', districts: string[] | null): Promise<View>;
  /** Throws IMPORT_INVALID when the file is unreadable; refused rows are in the report. */
  importResources(text: string, format: 'csv' | 'geojson'): Promise<View>;

  listPlans(): Promise<View[]>;
  /** With every version in `history`. Throws PLAN_NOT_FOUND. */
  getPlan(id: string): Promise<View>;
  /** Writes the next version. Throws PLAN_INVALID (details.errors), PLAN_VERSION_CONFLICT. */
  putPlan(input: unknown, by: string, id?: string): Promise<View>;
  validatePlan(input: unknown): { ok: boolean; errors?: { path: string; message: string }[] };

  /** Throws ALERT_NOT_FOUND (also outside `districts`). */
  alertResponse(alertId: string, districts: string[] | null): Promise<View>;
  dispatch(alertId: string, tasks: View[] | undefined, by: Caller, districts: string[] | null): Promise<View>;
  overrideResolve(alertId: string, reason: string, by: Caller, districts: string[] | null): Promise<void>;

  listTasks(q: { state?: string; unit?: string; alert?: string; limit: number; cursor?: string }, viewer: TaskViewer): Promise<{ items: View[]; nextCursor: string | null }>;
  getTask(id: string, viewer: TaskViewer): Promise<View>;
  act(id: string, action: TaskActionBody, by: Caller, viewer: TaskViewer, opts: { clientAt?: number; note?: string }): Promise<View>;
  report(id: string, input: { note?: string; mediaIds?: string[]; position?: { lon: number; lat: number }; clientAt?: number }, by: Caller, viewer: TaskViewer): Promise<View>;
  reassign(id: string, unitId: string | undefined, by: Caller, viewer: TaskViewer): Promise<View>;

  kpis(q: { from: number; to: number; districts?: string[] }): Promise<View>;
  /** The day's report (Asia/Shanghai) as a printable HTML page in `lang` (default en). Throws QUERY_INVALID for a bad date. */
  dailyReport(day: string, districts?: string[], lang?: 'zh-CN' | 'en'): Promise<string>;
  /**
   * The day's tasks (Asia/Shanghai), newest first, page by page for the CSV export: rows with epoch-ms
   * times (http/csv-columns.ts TASK_COLUMNS). Throws QUERY_INVALID for a bad date (before the first page).
   */
  reportTasks(day: string, districts?: string[]): AsyncIterable<Array<Record<string, unknown>>>;

  /** Runs `fn` once per (caller, key); a replay answers the first result. */
  once(caller: string, key: string | undefined, fn: () => Promise<{ status: number; body: unknown }>): Promise<{ status: number; body: unknown }>;
}
