/**
 * Drone-dock model (DJI Dock / FlytBase class): a cover that takes time to open and close, a charger
 * with a constant-current then tapering curve (20 → 90 % in under 30 min), and local weather.
 */
export type CoverState = 'closed' | 'opening' | 'open' | 'closing';

export interface DockConfig {
  coverS: number;
  /** Charge rate below the taper point, % per second (3 %/min). */
  fastRatePctS: number;
  /** Charge rate above the taper point, % per second (1.5 %/min). */
  taperRatePctS: number;
  taperAtPct: number;
  fullPct: number;
}

export const DEFAULT_DOCK: DockConfig = { coverS: 10, fastRatePctS: 3 / 60, taperRatePctS: 1.5 / 60, taperAtPct: 80, fullPct: 100 };

export interface DockStatus {
  cover: CoverState;
  droneInDock: boolean;
  charging: boolean;
  windMs: number;
  rain: boolean;
}

export class DockModel {
  cover: CoverState = 'closed';
  droneInDock = true;
  windMs = 0;
  rain = false;
  private coverLeftS = 0;

  constructor(private readonly cfg: DockConfig = DEFAULT_DOCK) {}

  /** Start opening; returns true once the cover is open. */
  requestOpen(): boolean {
    if (this.cover === 'open') return true;
    if (this.cover !== 'opening') {
      this.cover = 'opening';
      this.coverLeftS = this.cfg.coverS;
    }
    return false;
  }

  requestClose(): void {
    if (this.cover === 'closed' || this.cover === 'closing') return;
    this.cover = 'closing';
    this.coverLeftS = this.cfg.coverS;
  }

  /** Advance the cover and, when the drone sits in the closed dock, return its new battery level. */
  step(dtS: number, batteryPct: number): number {
    if (this.cover === 'opening' || this.cover === 'closing') {
      this.coverLeftS -= dtS;
      if (this.coverLeftS <= 0) this.cover = this.cover === 'opening' ? 'open' : 'closed';
    }
    if (!this.charging(batteryPct)) return batteryPct;
    const rate = batteryPct < this.cfg.taperAtPct ? this.cfg.fastRatePctS : this.cfg.taperRatePctS;
    return Math.min(this.cfg.fullPct, batteryPct + rate * dtS);
  }

  charging(batteryPct: number): boolean {
    return this.droneInDock && this.cover === 'closed' && batteryPct < this.cfg.fullPct;
  }

  status(batteryPct: number): DockStatus {
    return { cover: this.cover, droneInDock: this.droneInDock, charging: this.charging(batteryPct), windMs: this.windMs, rain: this.rain };
  }
}
