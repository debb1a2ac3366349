/**
 * Passwords: argon2id with OWASP's Password Storage Cheat Sheet parameters (m = 19 MiB, t = 2, p = 1)
 * through @node-rs/argon2, which hashes on libuv's thread pool — never on the event loop.
 * The policy follows NIST SP 800-63B §5.1.1.2: length over composition rules, no known-bad passwords.
 */
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { AppError } from '../kernel/errors.js';

/** `Algorithm.Argon2id` is a const enum (2), which isolated modules cannot read: the value, typed. */
const ARGON2ID = 2 as Algorithm.Argon2id;
export const ARGON2_OWASP = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

/** A few of the most common passwords (SP 800-63B: refuse values known to be commonly used). */
const COMMON = new Set(['password1234', '123456789012', 'qwertyuiopas', 'administrator', 'citybrain123', 'passwordpassword', '000000000000', '111111111111']);

/** Throws PASSWORD_POLICY with every reason when `password` is not acceptable for `username`. */
export function checkPasswordPolicy(password: string, username: string): void {
  const problems: string[] = [];
  const chars = [...password];
  if (chars.length < PASSWORD_MIN) problems.push(`at least ${PASSWORD_MIN} characters`);
  if (chars.length > PASSWORD_MAX) problems.push(`at most ${PASSWORD_MAX} characters`);
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) problems.push('not a commonly used password');
  if (username.length > 0 && lower.includes(username.toLowerCase())) problems.push('must not contain the username');
  if (new Set(chars).size < 4) problems.push('at least 4 different characters');
  if (problems.length > 0) throw new AppError('PASSWORD_POLICY', { details: { problems } });
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OWASP);
}

/** False for a wrong password or a malformed stored hash (never throws for bad input). */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Same work as a real check, for an unknown username: the answer and its timing must not tell
 * "no such user" from "wrong password" (OWASP Authentication Cheat Sheet).
 */
export async function verifyDummy(password: string): Promise<false> {
  dummy ??= hashPassword('citybrain-dummy-password-for-timing');
  await verifyPassword(await dummy, password);
  return false;
}
