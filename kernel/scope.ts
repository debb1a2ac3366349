/**
 * A person's district scope (architecture.md "access/"): the whole city, or a set of district codes.
 * The one place that says what a scope lets through; the HTTP layer narrows every list, stream and
 * subscription filter with it and answers 404 for anything outside (a 403 would confirm the thing exists).
 */
export class DistrictScope {
  static readonly CITY = new DistrictScope(null);

  private readonly set: ReadonlySet<string> | null;

  private constructor(districts: readonly string[] | null) {
    this.set = districts === null ? null : new Set(districts);
  }

  /** `null` = the whole city; a list = those districts only (an empty list sees nothing). */
  static of(districts: readonly string[] | null | undefined): DistrictScope {
    return districts === null || districts === undefined ? DistrictScope.CITY : new DistrictScope(districts);
  }

  get city(): boolean {
    return this.set === null;
  }

  /** The scope's districts, sorted, or null for the whole city. */
  get districts(): string[] | null {
    return this.set === null ? null : [...this.set].sort();
  }

  /** True when something in `district` may be seen; a thing in no district is city-level only. */
  allows(district: string | null | undefined): boolean {
    if (this.set === null) return true;
    return typeof district === 'string' && this.set.has(district);
  }

  /**
   * The district filter to apply for a request that asked for `requested` (undefined = everything it may
   * see). City scope passes the request through; a district scope intersects it with its own set.
   */
  narrow(requested: readonly string[] | undefined): string[] | undefined {
    if (this.set === null) return requested === undefined ? undefined : [...requested];
    if (requested === undefined) return this.districts!;
    return requested.filter((d) => this.set!.has(d));
  }

  /** True when `other` (null = city) lies inside this scope: token scopes, subscriptions, new users. */
  covers(other: readonly string[] | null | undefined): boolean {
    if (this.set === null) return true;
    if (other === null || other === undefined) return false;
    return other.every((d) => this.set!.has(d));
  }
}
