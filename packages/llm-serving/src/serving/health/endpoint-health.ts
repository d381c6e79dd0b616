import type { Logger } from "@dataflow/core";
import { sleep } from "../abort.js";
import { circuitOpen, type ServingHalt, unreachable } from "./serving-halt.js";

export interface BreakerOptions {
  /** Consecutive server errors or connection failures that open the breaker. Default 5. */
  failures?: number;
  /** How long an outage may last, breaker open and probing, before the run stops. Default 60 s. */
  budgetMs?: number;
  /** The same for an endpoint that never answered in this run (nothing listens there). Default 3 s. */
  unreachableBudgetMs?: number;
  /** First wait before a probe; doubles per failed probe, at most 5 s. Default 250 ms. */
  probeDelayMs?: number;
}

const MAX_PROBE_DELAY_MS = 5_000;
const POLL_MS = 100;

/**
 * A circuit breaker for one endpoint. Closed: requests go. After `failures` consecutive server
 * errors or connection failures it opens: requests wait (holding no slot) while one probe at a
 * time goes out, with a growing delay between probes. A probe that gets any answer closes it. An
 * outage that outlasts its budget halts the serving: every waiting and later request fails with a
 * fatal ServingHalt, so the run stops with one message instead of paying for retries of every row.
 */
export class EndpointHealth {
  private consecutive = 0;
  private outageSince: number | undefined;
  private open = false;
  private probing = false;
  private nextProbeAt = 0;
  private probeDelay: number;
  private answered = false;
  private onlyConnectionFailures = true;
  private lastDetail = "";
  private halted: ServingHalt | undefined;
  private readonly failures: number;
  private readonly budgetMs: number;
  private readonly unreachableBudgetMs: number;
  private readonly firstProbeDelay: number;

  constructor(
    private readonly servingName: string,
    private readonly baseURL: string,
    private readonly logger: Logger,
    options: BreakerOptions = {},
  ) {
    this.failures = options.failures ?? 5;
    this.budgetMs = options.budgetMs ?? 60_000;
    this.unreachableBudgetMs = options.unreachableBudgetMs ?? 3_000;
    this.firstProbeDelay = options.probeDelayMs ?? 250;
    this.probeDelay = this.firstProbeDelay;
  }

  /** Failing every request from now on (a refused key): the first halt wins. */
  halt(reason: ServingHalt): ServingHalt {
    this.halted ??= reason;
    return this.halted;
  }

  /** Waits until a request may go; true when it goes as the probe. Throws the halt once there is one. */
  async admit(signal: AbortSignal | undefined): Promise<boolean> {
    for (;;) {
      if (this.halted) throw this.halted;
      if (!this.open) return false;
      const now = performance.now();
      const budget = this.currentBudget();
      const since = this.outageSince ?? now;
      if (now - since >= budget) throw this.halt(this.outageHalt(now - since));
      if (!this.probing && now >= this.nextProbeAt) {
        this.probing = true;
        return true;
      }
      const until = this.probing ? POLL_MS : this.nextProbeAt - now;
      await sleep(Math.max(1, Math.min(until, POLL_MS, since + budget - now)), signal);
    }
  }

  /** The endpoint answered (any status that is not a server error): close the breaker. */
  answeredOk(): void {
    if (this.open)
      this.logger.info(`serving "${this.servingName}": ${this.baseURL} answers again; breaker closed`);
    this.answered = true;
    this.consecutive = 0;
    this.outageSince = undefined;
    this.open = false;
    this.probing = false;
    this.onlyConnectionFailures = true;
    this.probeDelay = this.firstProbeDelay;
  }

  /** A server error or connection failure; `probe` when it was the open breaker's probe. */
  failed(connection: boolean, detail: string, probe: boolean): void {
    const now = performance.now();
    this.consecutive++;
    this.outageSince ??= now;
    this.lastDetail = detail;
    if (!connection) this.onlyConnectionFailures = false;
    if (probe) {
      this.probing = false;
      this.probeDelay = Math.min(this.probeDelay * 2, MAX_PROBE_DELAY_MS);
      this.nextProbeAt = now + this.probeDelay;
    } else if (!this.open && this.consecutive >= this.failures) {
      this.open = true;
      this.nextProbeAt = now + this.probeDelay;
      this.logger.warn(
        `serving "${this.servingName}": ${this.consecutive} failures in a row at ${this.baseURL} (last: ${detail}); ` +
          `breaker open: requests wait while it is probed (the run stops after ${Math.round(this.currentBudget() / 1000)} s of this)`,
      );
    }
  }

  /** A request that was let through as the probe ended without saying anything about the endpoint. */
  probeAbandoned(): void {
    this.probing = false;
  }

  private currentBudget(): number {
    const neverReached = !this.answered && this.onlyConnectionFailures;
    return neverReached ? this.unreachableBudgetMs : this.budgetMs;
  }

  private outageHalt(elapsedMs: number): ServingHalt {
    const neverReached = !this.answered && this.onlyConnectionFailures;
    return neverReached
      ? unreachable(this.servingName, this.baseURL, this.consecutive, this.lastDetail)
      : circuitOpen(this.servingName, this.baseURL, this.consecutive, elapsedMs / 1000, this.lastDetail);
  }
}
