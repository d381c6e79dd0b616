/** Where an endpoint of a pool stands: in rotation, cooling down, or due for a probe. */
export type CircuitState = "in" | "cooling" | "due";

export interface CircuitOptions {
  /** Consecutive server errors or connection failures that take the endpoint out. Default 5. */
  failures?: number;
  /** First cool-down; doubles per failed probe up to `maxCoolDownMs`. Default 1 s. */
  coolDownMs?: number;
  /** Default 30 s. */
  maxCoolDownMs?: number;
}

/**
 * The health of one endpoint of several. After `failures` server errors or connection failures
 * in a row it is taken out of rotation for a cool-down; once that is over one request goes to it
 * as a probe: an answer puts it back, a failure doubles the cool-down. Unlike the single
 * endpoint's breaker (health/endpoint-health.ts) nothing waits on it: the pool sends requests to
 * the other endpoints meanwhile, and decides itself when all of them being out ends the run.
 */
export class EndpointCircuit {
  private consecutive = 0;
  private out = false;
  private outUntil = 0;
  private probing = false;
  private coolDown: number;
  private timesOut = 0;
  private readonly failures: number;
  private readonly firstCoolDown: number;
  private readonly maxCoolDown: number;

  constructor(o: CircuitOptions = {}) {
    this.failures = o.failures ?? 5;
    this.firstCoolDown = o.coolDownMs ?? 1_000;
    this.maxCoolDown = Math.max(this.firstCoolDown, o.maxCoolDownMs ?? 30_000);
    this.coolDown = this.firstCoolDown;
  }

  /** Times it was taken out of rotation. */
  get takenOut(): number {
    return this.timesOut;
  }

  /** performance.now() at which a probe may go; meaningful while cooling. */
  get dueAt(): number {
    return this.outUntil;
  }

  state(now: number): CircuitState {
    if (!this.out) return "in";
    return !this.probing && now >= this.outUntil ? "due" : "cooling";
  }

  /** A request goes to it as its probe. */
  probe(): void {
    this.probing = true;
  }

  /** It answered (any status but a server error); true when that put it back in rotation. */
  answered(): boolean {
    const wasOut = this.out;
    this.consecutive = 0;
    this.out = false;
    this.probing = false;
    this.coolDown = this.firstCoolDown;
    return wasOut;
  }

  /** A server error or connection failure; true when it took the endpoint out. */
  failed(probe: boolean, now: number): boolean {
    this.consecutive++;
    if (probe) {
      this.probing = false;
      this.coolDown = Math.min(this.coolDown * 2, this.maxCoolDown);
      this.outUntil = now + this.coolDown;
      return false;
    }
    if (this.out || this.consecutive < this.failures) return false;
    this.out = true;
    this.timesOut++;
    this.outUntil = now + this.coolDown;
    return true;
  }

  /** The probe ended without a word about the endpoint (cancelled): the next request may probe. */
  abandoned(probe: boolean): void {
    if (probe) this.probing = false;
  }

  /** The current cool-down in ms. */
  get coolDownMs(): number {
    return this.coolDown;
  }

  get failuresInARow(): number {
    return this.consecutive;
  }
}
