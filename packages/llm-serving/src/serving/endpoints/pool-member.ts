import type { EndpointStats } from "@dataflow/core";
import { endpointLabel } from "../endpoint.js";
import { type CircuitOptions, EndpointCircuit } from "./endpoint-circuit.js";
import { LatencyHistogram } from "./latency-histogram.js";

/** One endpoint of a serving's pool, as configured: no key, only the variable that holds it. */
export interface PoolEndpoint {
  baseURL: string;
  /** Named in a 401's fix. */
  apiKeyEnv: string;
  /** Share of the requests relative to the others (in-flight ÷ weight is balanced). Default 1. */
  weight?: number;
  /** Requests in flight to it at once; unbounded (the serving's maxConcurrency) by default. */
  maxConcurrency?: number;
}

/** One endpoint in the pool: its load, its health and what it did, for the run summary. */
export class PoolMember {
  readonly label: string;
  readonly baseURL: string;
  readonly apiKeyEnv: string;
  readonly weight: number;
  readonly maxConcurrency: number;
  readonly circuit: EndpointCircuit;
  readonly latency = new LatencyHistogram();
  inFlight = 0;
  requests = 0;
  errors = 0;

  constructor(e: PoolEndpoint, circuit: CircuitOptions) {
    this.baseURL = e.baseURL;
    this.label = endpointLabel(e.baseURL);
    this.apiKeyEnv = e.apiKeyEnv;
    this.weight = e.weight ?? 1;
    this.maxConcurrency = e.maxConcurrency ?? Number.POSITIVE_INFINITY;
    this.circuit = new EndpointCircuit(circuit);
  }

  hasRoom(): boolean {
    return this.inFlight < this.maxConcurrency;
  }

  /** Its load if one more request went to it, relative to its weight: the lowest gets the request. */
  load(): number {
    return (this.inFlight + 1) / this.weight;
  }

  snapshot(now: number): EndpointStats {
    const p50 = this.latency.quantile(0.5);
    const p95 = this.latency.quantile(0.95);
    return {
      url: this.label,
      requests: this.requests,
      errors: this.errors,
      ...(p50 !== undefined ? { p50Ms: Math.round(p50) } : {}),
      ...(p95 !== undefined ? { p95Ms: Math.round(p95) } : {}),
      takenOut: this.circuit.takenOut,
      inRotation: this.circuit.state(now) === "in",
    };
  }
}
