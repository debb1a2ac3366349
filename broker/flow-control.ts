/**
 * Bounded ingest work (constraints.md: bare aedes 1.2.0 died with "Maximum call stack size exceeded"
 * under an unbounded publish burst, and held ~48k msg/s with at most 5,000 messages in flight).
 *
 * Readings in flight are counted per connection (a lane) and overall. Work beyond a bound waits in
 * its lane (only what aedes already parsed from one read, so the wait is bounded by the read size)
 * and the lane's socket is held: no more bytes are read from it, so TCP pushes back on the device.
 * When the overall bound is reached every lane is held until the total falls to half (hysteresis,
 * so sockets do not flap at the line).
 */

/**
 * Work worth `units` readings. An object rather than closures: one is made per PUBLISH, and the ingest path
 * allocates nothing else for flow control.
 */
export interface FlowJob {
  readonly units: number;
  /** The bounds allow it now; the job calls {@link FlowControl.finish} once done. */
  start(): void;
  /** Its connection closed while it was parked: it never starts. */
  cancel(): void;
}

export interface Lane {
  inflight: number;
  waiting: FlowJob[];
  held: boolean;
  /** Stop / restart reading this lane's socket. */
  hold(): void;
  release(): void;
}

export interface FlowLimits {
  maxInflight: number;
  maxInflightPerClient: number;
}

export class FlowControl {
  private total = 0;
  private globalHeld = false;
  private peak = 0;
  private readonly lanes = new Set<Lane>();
  /** Lanes with parked work, oldest first: a freed slot goes to them, whichever lane freed it. */
  private readonly parked = new Set<Lane>();

  constructor(private readonly limits: FlowLimits) {}

  /** Readings in flight overall. */
  get inflight(): number {
    return this.total;
  }

  /** Highest `inflight` seen (the burst test proves the bound holds). */
  get peakInflight(): number {
    return this.peak;
  }

  /** Lanes whose socket is held now. */
  get heldLanes(): number {
    let n = 0;
    for (const l of this.lanes) if (l.held) n++;
    return n;
  }

  addLane(lane: Lane): void {
    this.lanes.add(lane);
    if (this.globalHeld) this.setHeld(lane, true);
  }

  removeLane(lane: Lane): void {
    this.lanes.delete(lane);
    this.parked.delete(lane);
    // Parked work of a closed connection is dropped: nothing was acknowledged, the device resends.
    for (const w of lane.waiting.splice(0)) w.cancel();
  }

  /** Starts `job` now if the bounds allow it, else parks it in its lane (whose socket is then held). */
  submit(lane: Lane, job: FlowJob): void {
    if (lane.waiting.length === 0 && this.fits(lane, job.units)) return this.begin(lane, job);
    lane.waiting.push(job);
    this.parked.add(lane);
    this.setHeld(lane, true);
  }

  /** A started job of `lane` worth `units` is done (durable or failed): its slot goes to waiting work. */
  finish(lane: Lane, units: number): void {
    this.releaseUnits(lane, units);
  }

  /** {@link submit} for a promise-returning task; resolves or rejects with it. */
  run<T>(lane: Lane, units: number, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.submit(lane, {
        units,
        start: () => {
          task().then(
            (v) => {
              this.finish(lane, units);
              resolve(v);
            },
            (e: unknown) => {
              this.finish(lane, units);
              reject(e);
            },
          );
        },
        cancel: () => reject(new Error('connection closed')),
      });
    });
  }

  private begin(lane: Lane, job: FlowJob): void {
    this.acquire(lane, job.units);
    job.start();
  }

  /** A task bigger than a bound still runs, alone, so a large batch cannot wedge its lane. */
  private fits(lane: Lane, units: number): boolean {
    const laneOk = lane.inflight === 0 || lane.inflight + units <= this.limits.maxInflightPerClient;
    const totalOk = this.total === 0 || this.total + units <= this.limits.maxInflight;
    return laneOk && totalOk;
  }

  private acquire(lane: Lane, units: number): void {
    lane.inflight += units;
    this.total += units;
    if (this.total > this.peak) this.peak = this.total;
    if (lane.inflight >= this.limits.maxInflightPerClient) this.setHeld(lane, true);
    if (!this.globalHeld && this.total >= this.limits.maxInflight) {
      this.globalHeld = true;
      for (const l of this.lanes) this.setHeld(l, true);
    }
  }

  private releaseUnits(lane: Lane, units: number): void {
    lane.inflight -= units;
    this.total -= units;
    this.startWaiting(lane);
    for (const l of this.parked) {
      if (this.total >= this.limits.maxInflight) break;
      this.startWaiting(l);
    }
    if (this.globalHeld && this.total <= this.limits.maxInflight / 2) {
      this.globalHeld = false;
      for (const l of this.lanes) this.maybeRelease(l);
    } else {
      this.maybeRelease(lane);
    }
  }

  private startWaiting(lane: Lane): void {
    let next = lane.waiting[0];
    while (next !== undefined && this.fits(lane, next.units)) {
      lane.waiting.shift();
      this.begin(lane, next);
      next = lane.waiting[0];
    }
    if (next === undefined) this.parked.delete(lane);
  }

  private maybeRelease(lane: Lane): void {
    if (this.globalHeld || lane.waiting.length > 0) return;
    if (lane.inflight <= this.limits.maxInflightPerClient / 2) this.setHeld(lane, false);
  }

  private setHeld(lane: Lane, held: boolean): void {
    if (lane.held === held) return;
    lane.held = held;
    if (held) lane.hold();
    else lane.release();
  }
}
