/**
 * AppError and the registry of stable error codes (fastify `FST_ERR_*` style).
 * `docs/errors.md` lists every code; `kernel/errors.test.ts` keeps the two in step.
 * Expected outcomes (a contract violation, a conflicting plan) are values, not exceptions:
 * these codes are for failures that cross a boundary (HTTP, MQTT, CLI, config).
 */

export const ERROR_CODES = {
  // configuration and process
  CONFIG_INVALID: { status: 500, message: 'Configuration is invalid' },
  INTERNAL: { status: 500, message: 'Internal error' },
  DEPENDENCY_UNREACHABLE: { status: 503, message: 'A server named by the configuration could not be reached' },
  SECRET_UNREADABLE: { status: 500, message: 'A secret stored encrypted cannot be decrypted (wrong credential key or tampered value)' },
  // HTTP generic
  VALIDATION_FAILED: { status: 400, message: 'Request failed validation' },
  UNAUTHORIZED: { status: 401, message: 'Missing or invalid bearer token' },
  FORBIDDEN: { status: 403, message: 'Not allowed' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'Request body too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported Content-Type for this route' },
  // device registry
  DEVICE_NOT_FOUND: { status: 404, message: 'Device not found' },
  DEVICE_EXISTS: { status: 409, message: 'A device with this id already exists' },
  DEVICE_REVOKED: { status: 403, message: 'Device credentials are revoked' },
  UNKNOWN_KIND: { status: 400, message: 'Unknown device kind' },
  LOCATION_INVALID: { status: 400, message: 'Location is not a valid lon/lat' },
  IMPORT_INVALID: { status: 400, message: 'Bulk import file could not be read' },
  DISTRICT_NOT_FOUND: { status: 404, message: 'District not found' },
  BAD_CREDENTIALS: { status: 401, message: 'Bad device credentials' },
  // contracts and ingest
  CONTRACT_VIOLATION: { status: 422, message: 'Payload violates the firmware contract' },
  PAYLOAD_MALFORMED: { status: 400, message: 'Payload is not valid JSON' },
  // telemetry store
  TELEMETRY_STORE_UNAVAILABLE: { status: 503, message: 'Telemetry store is unavailable' },
  TELEMETRY_WRITE_FAILED: { status: 502, message: 'Telemetry store rejected a write' },
  TELEMETRY_BUFFER_FULL: { status: 503, message: 'Telemetry buffer and spill are full' },
  QUERY_INVALID: { status: 400, message: 'Query parameters are invalid' },
  // broker
  MQTT_FRAME_TOO_LARGE: { status: 413, message: 'MQTT packet exceeds the frame-size limit' },
  MQTT_CONNECTION_LIMIT: { status: 503, message: 'MQTT connection limit reached' },
  MQTT_CONNECT_TIMEOUT: { status: 408, message: 'No CONNECT within the connect timeout' },
  MQTT_PROXY_HEADER_INVALID: { status: 400, message: 'A trusted load balancer sent a bad PROXY protocol header, or none in time' },
  MQTT_ACL_DENIED: { status: 403, message: 'Topic not allowed for this client' },
  MQTT_CLIENT_ID_MISMATCH: { status: 403, message: 'Client id must equal the device id' },
  MQTT_COMMAND_TIMEOUT: { status: 504, message: 'Device did not reply to the command in time' },
  DEVICE_OFFLINE: { status: 409, message: 'Device is not connected' },
  // notifications
  WEBHOOK_NOT_FOUND: { status: 404, message: 'Webhook receiver not found' },
  INTEGRATION_NOT_FOUND: { status: 404, message: 'Integration client not found' },
  INTEGRATION_EXISTS: { status: 409, message: 'An integration client with this name already exists' },
  // alerts and rules
  ALERT_NOT_FOUND: { status: 404, message: 'Alert not found' },
  ALERT_TRANSITION_INVALID: { status: 409, message: 'The alert cannot make this transition in its current status' },
  ALERT_NO_LOCATION: { status: 422, message: 'The alert has no location to send a drone to' },
  RULE_NOT_FOUND: { status: 404, message: 'Rule not found' },
  RULE_EXISTS: { status: 409, message: 'A rule with this id already exists' },
  RULE_INVALID: { status: 422, message: 'Rule failed validation' },
  SILENCE_NOT_FOUND: { status: 404, message: 'Silence not found' },
  // drone-ops (issue #4)
  DOCK_NOT_FOUND: { status: 404, message: 'Dock not found' },
  DOCK_EXISTS: { status: 409, message: 'A dock with this id already exists' },
  DOCK_UNAVAILABLE: { status: 409, message: 'No dock can fly this mission now' },
  DRONE_NOT_FOUND: { status: 404, message: 'Drone not found' },
  DRONE_EXISTS: { status: 409, message: 'A drone with this id already exists' },
  DRONE_TYPE_NOT_FOUND: { status: 404, message: 'Drone type not found' },
  ZONE_NOT_FOUND: { status: 404, message: 'No-fly zone not found' },
  MISSION_NOT_FOUND: { status: 404, message: 'Mission not found' },
  MISSION_TRANSITION_INVALID: { status: 409, message: 'The mission cannot make this transition in its current status' },
  PATROL_NOT_FOUND: { status: 404, message: 'Patrol not found' },
  AIRSPACE_CONFLICT: { status: 409, message: 'The flight conflicts with another reserved operational intent' },
  PLAN_INFEASIBLE: { status: 422, message: 'The drone cannot fly this plan (energy or range)' },
  AIRSPACE_CHANGED: { status: 409, message: 'The airspace changed since the flight was planned: a leg now enters a zone or leaves the fence' },
  INTENT_NONCONFORMING: { status: 409, message: 'The flight ran past or outside its operational intent and the airspace around it is not free' },
  LANDED_AWAY: { status: 409, message: 'The drone landed away from its dock: it does not launch until it is back in it' },
  DRONE_NOT_LANDED_AWAY: { status: 409, message: 'The drone is not landed away from its dock: there is no ferry flight home to make' },
  // later modules
  GEOFENCE_VIOLATION: { status: 422, message: 'Flight plan violates a geofence' },
  MAVLINK_TIMEOUT: { status: 504, message: 'MAVLink peer did not answer in time' },
  MAVLINK_NACK: { status: 502, message: 'MAVLink peer refused the command or upload' },
  MAVLINK_LINK_LOST: { status: 503, message: 'MAVLink link to the vehicle is lost' },
  MAVLINK_BUSY: { status: 409, message: 'Another upload or the same command is already in progress on this link' },
  FENCE_REFUSED: { status: 422, message: 'The vehicle refused the geofence or rally points, or they cannot be made to fit it' },
  AUTOPILOT_MISMATCH: { status: 409, message: 'The vehicle reports a different autopilot than the one registered' },
  DRONE_OPS_UNAVAILABLE: { status: 501, message: 'drone-ops is not available' },
  QGC_PLAN_INVALID: { status: 400, message: 'The file is not a QGroundControl plan (or has nothing to fly)' },
  QGC_PLAN_NO_DOCK: { status: 422, message: 'No dock given and none within reach of the plan\'s planned home position' },
  // OPC UA sources (issue #6)
  OPCUA_SOURCE_NOT_FOUND: { status: 404, message: 'OPC UA source not found' },
  OPCUA_SOURCE_EXISTS: { status: 409, message: 'An OPC UA source with this id already exists' },
  OPCUA_SOURCE_INVALID: { status: 422, message: 'OPC UA source configuration is invalid' },
  OPCUA_CONNECT_FAILED: { status: 502, message: 'Could not connect to the OPC UA server' },
  OPCUA_NODE_ID_INVALID: { status: 422, message: 'A mapping entry names no valid OPC UA node id' },
  OPCUA_MAPPING_INVALID: { status: 422, message: 'A mapping entry does not fit the device contract or the station' },
  OPCUA_CERTIFICATE_NOT_FOUND: { status: 404, message: 'No station certificate with this thumbprint' },
  OPCUA_CERTIFICATE_UNTRUSTED: { status: 502, message: 'The station certificate is not trusted (pending or rejected)' },
  // emergency response (units, plans, tasks)
  UNIT_NOT_FOUND: { status: 404, message: 'Response unit or resource not found' },
  UNIT_INVALID: { status: 422, message: 'Response unit or resource failed validation' },
  PLAN_NOT_FOUND: { status: 404, message: 'Response plan not found' },
  PLAN_INVALID: { status: 422, message: 'Response plan failed validation (e.g. an unknown unit type)' },
  PLAN_VERSION_CONFLICT: { status: 409, message: 'This plan version already exists: read the plan again and retry' },
  TASK_NOT_FOUND: { status: 404, message: 'Task not found' },
  TASK_STATE_CONFLICT: { status: 409, message: 'The task cannot make this transition in its current state' },
  NO_RESPONSE_PLAN: { status: 422, message: 'No response plan matches this alert kind and level' },
  ALERT_RESOLVE_BLOCKED: { status: 409, message: 'The alert has required response tasks not yet verified: verify them, or override with a reason' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, message: 'A request with this Idempotency-Key is still being processed: retry shortly for its answer' },
  UNIT_NOTIFY_FAILED: { status: 502, message: 'A unit could not be notified through its channel (retried)' },
  SMS_GATEWAY_FAILED: { status: 502, message: 'The SMS/phone gateway refused or did not answer' },
  // people and access
  LOGIN_FAILED: { status: 401, message: 'Unknown username or wrong password' },
  LOGIN_RATE_LIMITED: { status: 429, message: 'Too many failed logins: try again later' },
  CSRF_REJECTED: { status: 403, message: 'Missing or wrong X-CSRF-Token for a cookie-authenticated request' },
  USER_NOT_FOUND: { status: 404, message: 'User not found' },
  USER_EXISTS: { status: 409, message: 'A user with this username already exists' },
  PASSWORD_POLICY: { status: 400, message: 'The password does not meet the password policy' },
  TOKEN_NOT_FOUND: { status: 404, message: 'Personal API token not found' },
  SCOPE_EXCEEDED: { status: 403, message: 'Beyond your own role or district scope' },
  // media store and uploads (response/media, tus 1.0.0)
  MEDIA_TOO_LARGE: { status: 413, message: 'The picture exceeds the media size limit' },
  MEDIA_TYPE_REFUSED: { status: 415, message: 'Not a JPEG, PNG or WebP picture (checked by content)' },
  MEDIA_NOT_FOUND: { status: 404, message: 'Media not found' },
  UPLOAD_NOT_FOUND: { status: 404, message: 'Upload not found (unknown, finished long ago or expired)' },
  UPLOAD_OFFSET_MISMATCH: { status: 409, message: 'Upload-Offset does not match the bytes received so far' },
  UPLOAD_VERSION_UNSUPPORTED: { status: 412, message: 'Tus-Resumable version not supported (this server speaks 1.0.0)' },
  CAMERA_FETCH_REFUSED: { status: 403, message: 'A camera image URL points outside the vehicle\'s own host and the configured camera hosts' },
  CAMERA_FETCH_FAILED: { status: 502, message: 'A camera image could not be fetched from the vehicle' },
  REDIS_NOT_DURABLE: { status: 503, message: 'Redis is not configured for durability (appendonly yes, maxmemory-policy noeviction)' },
  SCHEDULER_UNAVAILABLE: { status: 503, message: 'The job scheduler cannot be reached (Redis down): nothing was scheduled' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface AppErrorOptions {
  message?: string;
  details?: unknown;
  cause?: unknown;
  status?: number;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ErrorCode, opts: AppErrorOptions = {}) {
    super(opts.message ?? ERROR_CODES[code].message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = opts.status ?? ERROR_CODES[code].status;
    this.details = opts.details;
  }

  toJSON(): { error: { code: ErrorCode; message: string; details?: unknown } } {
    return {
      error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) },
    };
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
