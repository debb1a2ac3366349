import { randomUUID } from 'node:crypto';
import type { CommandReply, Violation } from '../firmware-contracts/index.js';
import { AppError } from '../kernel/errors.js';

interface Pending {
  id: string;
  resolve(reply: CommandReply): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Commands in flight, platform → device (architecture.md: `devices/{id}/commands/{name}` and the device's
 * `.../reply`). The v1 reply contract (`{"ok", "message"?, "data"?}`) carries no correlation id, so
 * replies are matched first-in first-out per device and command name; the id we send lets a device log it.
 */
export class CommandTracker {
  private readonly pending = new Map<string, Pending[]>();

  /**
   * Registers a command and returns its correlation id and the promise of its reply. `id` is given when
   * another cluster node sent the command (its own tracker waits under the same id).
   */
  start(deviceId: string, name: string, timeoutMs: number, id: string = randomUUID()): { id: string; reply: Promise<CommandReply> } {
    const key = `${deviceId}\u0000${name}`;
    const reply = new Promise<CommandReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.remove(key, id);
        reject(new AppError('MQTT_COMMAND_TIMEOUT', {
          message: `Device ${deviceId} did not reply to ${name} within ${timeoutMs} ms`,
          details: { deviceId, command: name, correlationId: id, timeoutMs },
        }));
      }, timeoutMs);
      const list = this.pending.get(key) ?? [];
      list.push({ id, resolve, reject, timer });
      this.pending.set(key, list);
    });
    return { id, reply };
  }

  /** Settles one command by its id: a reply, or the error it failed with (not sent, or failed on another node). */
  settle(deviceId: string, name: string, id: string, outcome: { reply: CommandReply } | { error: Error }): void {
    const p = this.remove(`${deviceId}\u0000${name}`, id);
    if (!p) return;
    if ('reply' in outcome) p.resolve(outcome.reply);
    else p.reject(outcome.error);
  }

  /** A device replied; returns false when no command was waiting for it. */
  reply(deviceId: string, name: string, reply: CommandReply | undefined, violations: readonly Violation[]): boolean {
    const key = `${deviceId}\u0000${name}`;
    const first = this.pending.get(key)?.[0];
    if (!first) return false;
    this.remove(key, first.id);
    if (reply) first.resolve(reply);
    else {
      first.reject(new AppError('CONTRACT_VIOLATION', {
        message: `Device ${deviceId} sent a reply to ${name} that breaks its contract`,
        details: { deviceId, command: name, violations },
      }));
    }
    return true;
  }

  /** Rejects everything still waiting (broker closing). */
  closeAll(): void {
    for (const list of this.pending.values()) {
      for (const p of list) {
        clearTimeout(p.timer);
        p.reject(new AppError('MQTT_COMMAND_TIMEOUT', { message: 'Broker closed before the device replied' }));
      }
    }
    this.pending.clear();
  }

  private remove(key: string, id: string): Pending | undefined {
    const list = this.pending.get(key);
    const i = list?.findIndex((p) => p.id === id) ?? -1;
    if (!list || i < 0) return undefined;
    const [p] = list.splice(i, 1);
    if (list.length === 0) this.pending.delete(key);
    if (p) clearTimeout(p.timer);
    return p;
  }
}
