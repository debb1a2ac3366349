import { AppError } from '../../kernel/errors.js';

/** How a drone is reached over MAVLink 2 (issue #5): given at registration, stored with the drone. */
export interface DroneLinkSpec {
  /** `udp://host:port` (the vehicle's or SITL's UDP port) or `tcp://host:port` (e.g. ArduPilot SITL 5760). */
  address: string;
  autopilot: 'ardupilot' | 'px4';
  /** MAVLink 2 signing secret, 64 hex characters (32 bytes). */
  signingKey?: string;
}

export interface LinkAddress {
  kind: 'udp' | 'tcp';
  host: string;
  port: number;
}

/** Parses `udp://host:port` / `tcp://host:port`. @throws AppError VALIDATION_FAILED */
export function parseLinkAddress(address: string): LinkAddress {
  const m = /^(udp|tcp):\/\/(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(address);
  const port = Number(m?.[3]);
  if (!m || !(port > 0 && port < 65536)) {
    throw new AppError('VALIDATION_FAILED', { message: `link must be udp://host:port or tcp://host:port, got "${address}"`, details: { link: address } });
  }
  return { kind: m[1] as 'udp' | 'tcp', host: (m[2] as string).replace(/^\[|\]$/g, ''), port };
}

/** Validates a whole spec (address and signing key). @throws AppError VALIDATION_FAILED */
export function checkLinkSpec(spec: DroneLinkSpec): DroneLinkSpec {
  parseLinkAddress(spec.address);
  if (spec.signingKey !== undefined && !/^[0-9a-fA-F]{64}$/.test(spec.signingKey)) {
    throw new AppError('VALIDATION_FAILED', { message: 'signingKey must be 64 hex characters (32 bytes)', details: { field: 'signingKey' } });
  }
  return spec;
}
