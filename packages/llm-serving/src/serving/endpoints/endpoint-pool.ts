import type { EndpointStats, Logger } from "@dataflow/core";
import { cancelledError } from "../abort.js";
import type { BreakerOptions } from "../health/endpoint-health.js";
import type { ServingHalt } from "../health/serving-halt.js";
import { allEndpointsDown } from "./pool-halt.js";
import { type PoolEndpoint, PoolMember } from "./pool-member.js";

/** Longest a waiting request sleeps before it looks again (a cool-down may end, a budget pass). */
const POLL_MS = 100;
/** Added to the load of an endpoint the call already failed on: any other goes first. */
const AVOIDED = 1e9;

export interface PoolOptions {
  servingName: string;
  logger: Logger;
  /** `failures`, `budgetMs` and `unreachableBudgetMs` as for one endpoint; `probeDelayMs` is the first cool-down. */
  breaker?: BreakerOptions;
}

/** The endpoint a request goes to; `probe` when it goes as the probe of an endpoint out of rotation. */
export interface Picked {
  index: number;
  member: PoolMember;
  probe: boolean;
}

/**
 * Several endpoints behind one serving. A request goes to the endpoint in rotation with the
 * fewest requests in flight for its weight, within that endpoint's maxConcurrency (it waits when
 * every endpoint is full); an endpoint the call already failed on comes last, so a retry lands
 * elsewhere. An endpoint that fails repeatedly cools down out of rotation and is probed back in
 * (endpoint-circuit.ts). The serving stops only when every endpoint stayed out past the outage
 * budget, or at once on a refused key or an unknown model (as with one endpoint).
 */
export class EndpointPool {
  readonly members: readonly PoolMember[];
  private readonly waiters = new Set<() => void>();
  private cursor = 0;
  private allOutSince: number | undefined;
  private everAnswered = false;
  private onlyConnectionFailures = true;
  private lastDetail = "";
  private halted: ServingHalt | undefined;
  private readonly budgetMs: number;
  private readonly unreachableBudgetMs: number;

  constructor(
    endpoints: readonly PoolEndpoint[],
    private readonly o: PoolOptions,
  ) {
    const b = o.breaker ?? {};
    const circuit = {
      ...(b.failures !== undefined ? { failures: b.failures } : {}),
      ...(b.probeDelayMs !== undefined ? { coolDownMs: b.probeDelayMs } : {}),
    };
    this.members = endpoints.map((e) => new PoolMember(e, circuit));
    this.budgetMs = b.budgetMs ?? 60_000;
    this.unreachableBudgetMs = b.unreachableBudgetMs ?? 3_000;
  }

  /** Waits for an endpoint with room; throws the halt once there is one. */
  async acquire(avoid: ReadonlySet<number> | undefined, signal: AbortSignal | undefined): Promise<Picked> {
    for (;;) {
      if (this.halted) throw this.halted;
      if (signal?.aborted) throw cancelledError(signal);
      const now = performance.now();
      const picked = this.pick(now, avoid);
      if (picked) {
        picked.member.inFlight++;
        picked.member.requests++;
        if (picked.probe) picked.member.circuit.probe();
        return picked;
      }
      await this.wait(this.waitMs(now), signal);
    }
  }

  /** The request to `index` is over, whatever its outcome: its room goes to a waiting request. */
  release(index: number): void {
    const m = this.members[index];
    if (m) m.inFlight--;
    const first = this.waiters.values().next();
    if (!first.done) first.value();
  }

  /** The endpoint answered (any status but a server error). */
  answered(index: number, latencyMs: number | undefined): void {
    const m = this.members[index];
    if (!m) return;
    if (latencyMs !== undefined) m.latency.add(latencyMs);
    this.everAnswered = true;
    this.allOutSince = undefined;
    if (m.circuit.answered()) {
      this.o.logger.info(`serving "${this.o.servingName}": ${m.label} answers again; back in rotation`);
      for (const wake of [...this.waiters]) wake();
    }
  }

  /** A server error or connection failure at `index`. */
  failed(index: number, connection: boolean, detail: string, probe: boolean): void {
    const m = this.members[index];
    if (!m) return;
    const now = performance.now();
    m.errors++;
    this.lastDetail = `${m.label}: ${detail}`;
    if (!connection) this.onlyConnectionFailures = false;
    if (m.circuit.failed(probe, now)) this.takenOut(m);
    if (this.members.every((x) => x.circuit.state(now) !== "in")) this.allOutSince ??= now;
  }

  /** A failure that says the endpoint works (a 429, a 400, bad output): counted, not held against it. */
  erred(index: number): void {
    const m = this.members[index];
    if (m) m.errors++;
  }

  /** The request ended without a word about the endpoint (cancelled, a hedge that lost). */
  abandoned(index: number, probe: boolean): void {
    this.members[index]?.circuit.abandoned(probe);
  }

  /** Whether an endpoint in rotation that the call has not failed on has room now. */
  hasUntried(failedOn: ReadonlySet<number> | undefined): boolean {
    const now = performance.now();
    return this.members.some((m, i) => !failedOn?.has(i) && m.hasRoom() && m.circuit.state(now) === "in");
  }

  /** Fails every request from now on; the first halt wins. */
  halt(reason: ServingHalt): ServingHalt {
    this.halted ??= reason;
    for (const wake of [...this.waiters]) wake();
    return this.halted;
  }

  stats(): EndpointStats[] {
    const now = performance.now();
    return this.members.map((m) => m.snapshot(now));
  }

  private pick(now: number, avoid: ReadonlySet<number> | undefined): Picked | undefined {
    const n = this.members.length;
    let best: number | undefined;
    let bestLoad = Number.POSITIVE_INFINITY;
    let dueAvoided: number | undefined;
    const start = this.cursor;
    this.cursor = (this.cursor + 1) % n;
    for (let k = 0; k < n; k++) {
      const i = (start + k) % n;
      const m = this.members[i] as PoolMember;
      if (!m.hasRoom()) continue;
      const state = m.circuit.state(now);
      const avoided = avoid?.has(i) === true;
      // A cool-down that is over gets its probe first: one request, so the endpoint can come back.
      if (state === "due" && !avoided) return { index: i, member: m, probe: true };
      if (state === "due") dueAvoided ??= i;
      if (state !== "in") continue;
      const load = m.load() + (avoided ? AVOIDED : 0);
      if (load < bestLoad) {
        best = i;
        bestLoad = load;
      }
    }
    if (best !== undefined) return { index: best, member: this.members[best] as PoolMember, probe: false };
    if (dueAvoided !== undefined)
      return { index: dueAvoided, member: this.members[dueAvoided] as PoolMember, probe: true };
    return undefined;
  }

  /** How long to sleep when no endpoint could take the request; halts when the outage is over budget. */
  private waitMs(now: number): number {
    if (this.allOutSince === undefined) return POLL_MS;
    const neverReached = !this.everAnswered && this.onlyConnectionFailures;
    const budget = neverReached ? this.unreachableBudgetMs : this.budgetMs;
    const elapsed = now - this.allOutSince;
    if (elapsed >= budget) {
      const labels = this.members.map((m) => m.label);
      throw this.halt(
        allEndpointsDown(this.o.servingName, labels, neverReached, elapsed / 1000, this.lastDetail),
      );
    }
    const due = Math.min(...this.members.map((m) => m.circuit.dueAt)) - now;
    return Math.max(1, Math.min(POLL_MS, budget - elapsed, due > 0 ? due : POLL_MS));
  }

  private takenOut(m: PoolMember): void {
    const others = this.members.filter((x) => x !== m && x.circuit.state(performance.now()) === "in").length;
    const rest =
      others > 0
        ? `the other ${others} endpoint${others === 1 ? "" : "s"} take its requests`
        : "no other endpoint is in rotation";
    this.o.logger.warn(
      `serving "${this.o.servingName}": ${m.circuit.failuresInARow} failures in a row at ${m.label} (last: ${this.lastDetail.slice(m.label.length + 2)}); ` +
        `taken out of rotation for ${(m.circuit.coolDownMs / 1000).toFixed(1)} s, then probed; ${rest}`,
    );
  }

  private wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.waiters.delete(done);
        resolve();
      };
      const onAbort = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        reject(cancelledError(signal as AbortSignal));
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}
