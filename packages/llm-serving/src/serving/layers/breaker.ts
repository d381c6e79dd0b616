import { LLMError } from "@dataflow/core";
import { outcomeOf } from "../health/attempt-outcome.js";
import type { EndpointHealth } from "../health/endpoint-health.js";
import { notFound, unauthorized } from "../health/serving-halt.js";
import type { Layer } from "./layer.js";

export interface BreakerLayerOptions {
  health: EndpointHealth;
  servingName: string;
  baseURL: string;
  model: string;
  apiKeyEnv: string;
}

/**
 * Each attempt through the endpoint's circuit breaker (health/endpoint-health.ts), above the
 * slots so a request waiting on an open breaker holds none. Server errors and connection failures
 * count towards opening the breaker; any other answer closes it. A ServingHalt from below (the
 * halt gate) passes through.
 */
export function breaker<Q, R>(o: BreakerLayerOptions): Layer<Q, R> {
  return (next) => async (request, call) => {
    const probe = await o.health.admit(call.signal);
    let result: R;
    try {
      result = await next(request, call);
    } catch (err) {
      if (!(err instanceof LLMError)) {
        if (probe) o.health.probeAbandoned();
        throw err;
      }
      const outcome = outcomeOf(err);
      if (outcome === "alive") o.health.answeredOk();
      else o.health.failed(outcome === "connection", detail(err), probe);
      throw err;
    }
    o.health.answeredOk();
    return result;
  };
}

function detail(err: LLMError): string {
  const text = err.message.length > 160 ? `${err.message.slice(0, 159)}…` : err.message;
  return err.status !== undefined && !text.includes(String(err.status))
    ? `HTTP ${err.status}: ${text}`
    : text;
}

/**
 * Below the slots: a request that got its slot after the serving halted goes no further, so a
 * refused key costs the requests on the wire when it was refused and no more.
 */
export function haltGate<Q, R>(o: BreakerLayerOptions): Layer<Q, R> {
  return (next) => async (request, call) => {
    const halted = o.health.haltedWith();
    if (halted) throw halted;
    try {
      return await next(request, call);
    } catch (err) {
      // Halted here, before the slot is given back, so no request waiting for it goes out.
      if (!(err instanceof LLMError)) throw err;
      const outcome = outcomeOf(err);
      if (outcome === "auth")
        throw o.health.halt(unauthorized(o.servingName, o.baseURL, err.status ?? 401, o.apiKeyEnv));
      if (outcome === "not-found")
        throw o.health.halt(notFound(o.servingName, o.baseURL, o.model, err.message));
      throw err;
    }
  };
}
