/**
 * Which sockets the broker holds, and which of them have not authenticated yet. Unauthenticated
 * ("pending") sockets have their own cap and a per-address share; a new socket over either closes the
 * oldest pending one in that group instead of being refused. So silent sockets from one place cannot lock
 * devices out: a device's own CONNECT arrives within milliseconds of its socket, a squatter's never does.
 * The connection cap counts authenticated sessions only: sockets waiting for a CONNACK never take an
 * established device's place (a full table refuses new sockets before reading them).
 */
export type Eviction = 'pending_per_address' | 'pending_limit' | 'connection_limit';

export interface AdmissionLimits {
  maxConnections: number;
  maxPending: number;
  maxPendingPerAddress: number;
}

export interface Closable {
  destroy(): void;
}

export class Admission<S extends Closable> {
  private readonly all = new Set<S>();
  /** Pending sockets, oldest first, with their address. */
  private readonly pending = new Map<S, string>();
  private readonly pendingByAddress = new Map<string, Set<S>>();

  constructor(
    private readonly limits: AdmissionLimits,
    private readonly onEvict: (reason: Eviction, address: string) => void,
  ) {}

  /** False when the authenticated sessions fill the table: refuse the socket. */
  admit(socket: S, address: string): boolean {
    if (this.all.size - this.pending.size >= this.limits.maxConnections) return false;
    const mine = this.pendingByAddress.get(address);
    if (mine && mine.size >= this.limits.maxPendingPerAddress) this.evictOldest(mine.values(), 'pending_per_address');
    if (this.pending.size >= this.limits.maxPending) this.evictOldest(this.pending.keys(), 'pending_limit');
    this.all.add(socket);
    this.pending.set(socket, address);
    if (mine) mine.add(socket);
    else this.pendingByAddress.set(address, new Set([socket]));
    return true;
  }

  /** The socket authenticated: it no longer counts as pending. */
  authenticated(socket: S): void {
    this.unpend(socket);
  }

  closed(socket: S): void {
    this.unpend(socket);
    this.all.delete(socket);
  }

  get size(): number {
    return this.all.size;
  }

  /** Authenticated sessions. */
  get established(): number {
    return this.all.size - this.pending.size;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  sockets(): IterableIterator<S> {
    return this.all.values();
  }

  private evictOldest(candidates: IterableIterator<S>, reason: Eviction): boolean {
    const oldest = candidates.next();
    if (oldest.done) return false;
    const socket = oldest.value;
    const address = this.pending.get(socket) ?? 'unknown';
    this.closed(socket);
    this.onEvict(reason, address);
    socket.destroy();
    return true;
  }

  private unpend(socket: S): void {
    const address = this.pending.get(socket);
    if (address === undefined) return;
    this.pending.delete(socket);
    const set = this.pendingByAddress.get(address);
    set?.delete(socket);
    if (set && set.size === 0) this.pendingByAddress.delete(address);
  }
}
