import { LLMError } from "@dataflow/core";
import { outcomeOf } from "../health/attempt-outcome.js";
import { htmlAnswer, notFound, unauthorized } from "../health/serving-halt.js";
import { failureDetail } from "../layers/breaker.js";
import type { Attempts, Layer } from "../layers/layer.js";
import type { EndpointPool } from "./endpoint-pool.js";

export interface RouteOptions {
  pool: EndpointPool;
  servingName: string;
  model: string;
}

/**
 * Each attempt to one endpoint of the pool (endpoint-pool.ts), named on the call for the
 * transport (`call.endpoint`). Its outcome goes to that endpoint's health and stats; an endpoint
 * the call failed on is remembered on the call, so the retry layer's next attempt goes elsewhere.
 * A 401/403, a 404 or an HTML page halts the serving at once, naming the endpoint: a key or model
 * that one endpoint refuses is a configuration to fix, not an outage.
 */
export function route<Q, R>(o: RouteOptions): Layer<Q, R> {
  return (next) => async (request, call) => {
    const attempts = call.attempts;
    const { index, member, probe } = await o.pool.acquire(avoided(attempts), call.signal);
    attempts.activeOn ??= [];
    attempts.activeOn.push(index);
    const started = performance.now();
    try {
      const result = await next(request, { ...call, endpoint: index });
      o.pool.answered(index, performance.now() - started);
      return result;
    } catch (err) {
      if (!(err instanceof LLMError)) {
        o.pool.abandoned(index, probe);
        throw err;
      }
      attempts.failedOn ??= new Set();
      attempts.failedOn.add(index);
      const outcome = outcomeOf(err);
      const url = member.baseURL;
      if (outcome === "auth")
        throw o.pool.halt(unauthorized(o.servingName, url, err.status ?? 401, member.apiKeyEnv));
      if (outcome === "not-found") throw o.pool.halt(notFound(o.servingName, url, o.model, err.message));
      if (outcome === "html") throw o.pool.halt(htmlAnswer(o.servingName, url));
      if (outcome === "alive") {
        o.pool.erred(index);
        o.pool.answered(index, undefined);
      } else o.pool.failed(index, outcome === "connection", failureDetail(err), probe);
      throw err;
    } finally {
      attempts.activeOn.splice(attempts.activeOn.indexOf(index), 1);
      o.pool.release(index);
    }
  };
}

/** The endpoints this call failed on or is on now (a hedge's sibling), to be used last. */
function avoided(attempts: Attempts): ReadonlySet<number> | undefined {
  const active = attempts.activeOn ?? [];
  if (active.length === 0) return attempts.failedOn;
  return new Set([...(attempts.failedOn ?? []), ...active]);
}
