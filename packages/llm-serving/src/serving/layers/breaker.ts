import { LLMError } from "@dataflow/core";
import { outcomeOf } from "../health/attempt-outcome.js";
import type { EndpointHealth } from "../health/endpoint-health.js";
import { htmlAnswer, notFound, unauthorized } from "../health/serving-halt.js";
import type { Layer } from "./layer.js";

export interface BreakerLayerOptions {
  health: EndpointHealth;
  servingName: string;
  baseURL: string;
  model: string;
  apiKeyEnv: string;
}

/**
 * Each attempt through the endpoint's circuit breaker (health/endpoint-health.ts), below the
 * slots: requests that queued for a slot while the endpoint was healthy are stopped here once the
 * breaker has opened, not sent. (While it is open, every request is waiting on the one endpoint
 * anyway, so the slots they hold cost nothing.) A 401/403 or a 404 halts the serving at once,
 * before the slot is given back, so no queued request goes out after it; server errors and
 * connection failures count towards opening the breaker; any other answer closes it.
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
      if (outcome === "auth")
        throw o.health.halt(unauthorized(o.servingName, o.baseURL, err.status ?? 401, o.apiKeyEnv));
      if (outcome === "not-found")
        throw o.health.halt(notFound(o.servingName, o.baseURL, o.model, err.message));
      if (outcome === "html") throw o.health.halt(htmlAnswer(o.servingName, o.baseURL));
      if (outcome === "alive") o.health.answeredOk();
      else o.health.failed(outcome === "connection", failureDetail(err), probe);
      throw err;
    }
    o.health.answeredOk();
    return result;
  };
}

/** A failure for a log line or a halt message: bounded, its status named. */
export function failureDetail(err: LLMError): string {
  const text = err.message.length > 160 ? `${err.message.slice(0, 159)}…` : err.message;
  return err.status !== undefined && !text.includes(String(err.status))
    ? `HTTP ${err.status}: ${text}`
    : text;
}
