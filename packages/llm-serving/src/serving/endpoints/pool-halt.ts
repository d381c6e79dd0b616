import { ServingHalt } from "../health/serving-halt.js";

/**
 * Every endpoint of the pool stayed out of rotation past the outage budget: the run stops, as a
 * single endpoint's open breaker stops it. `neverReached`: none of them ever answered and every
 * failure was a connection failure (nothing listens at any of the URLs).
 */
export function allEndpointsDown(
  servingName: string,
  labels: readonly string[],
  neverReached: boolean,
  seconds: number,
  detail: string,
): ServingHalt {
  const list = labels.join(", ");
  const resume = "Rows not finished stay unfinished: run the same command again to resume";
  return neverReached
    ? new ServingHalt(
        "unreachable",
        `serving "${servingName}": cannot reach any of its ${labels.length} endpoints (${list}; last: ${detail}). ` +
          `Are the servers running, and are the URLs right? ${resume}.`,
        1,
      )
    : new ServingHalt(
        "circuit-open",
        `serving "${servingName}": all ${labels.length} endpoints (${list}) were out of rotation for ${seconds.toFixed(0)} s ` +
          `(last: ${detail}); the run stopped. ${resume} once an endpoint is healthy.`,
        1,
      );
}
