import { endpointLabel } from "../endpoint.js";

/** Why a serving stopped the run. */
export type HaltKind =
  | "unauthorized"
  | "model-not-found"
  | "not-an-api"
  | "unreachable"
  | "circuit-open"
  | "not-supported";

/**
 * A failure no row can get past (a refused key, a model the endpoint does not have, an endpoint
 * that is down): `fatal`, so the runner stops the run at once instead of rejecting every row, and
 * `exitCode` says how the CLI exits (2: the configuration is wrong; 1: the endpoint failed).
 */
export class ServingHalt extends Error {
  override readonly name = "ServingHalt";
  readonly fatal = true;

  constructor(
    readonly kind: HaltKind,
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

const where = (servingName: string, baseURL: string) =>
  `serving "${servingName}" at ${endpointLabel(baseURL)}`;

/** 401/403: the key is missing, wrong or not allowed. */
export function unauthorized(
  servingName: string,
  baseURL: string,
  status: number,
  apiKeyEnv: string,
): ServingHalt {
  return new ServingHalt(
    "unauthorized",
    `${where(servingName, baseURL)} answered HTTP ${status} (${status === 401 ? "unauthorized" : "forbidden"}): ` +
      `the API key was refused. Set ${apiKeyEnv} to a key this endpoint accepts (or apiKeyEnv to the variable that holds it).`,
    2,
  );
}

/** 404 on chat completions or embeddings: the model is unknown, or baseURL is not the API root. */
export function notFound(servingName: string, baseURL: string, model: string, detail: string): ServingHalt {
  const aboutModel = /model/i.test(detail);
  const fix = aboutModel
    ? `the endpoint has no model "${model}": set servings.${servingName}.model to one it lists at ${endpointLabel(baseURL)}/models`
    : `is baseURL the API root (usually ending in /v1, e.g. http://127.0.0.1:8000/v1)?`;
  return new ServingHalt(
    aboutModel ? "model-not-found" : "not-an-api",
    `${where(servingName, baseURL)} answered HTTP 404 (${detail.slice(0, 200)}): ${fix}`,
    2,
  );
}

/** A 200 whose body is an HTML page: a web UI or proxy, not the API. */
export function htmlAnswer(servingName: string, baseURL: string): ServingHalt {
  return new ServingHalt(
    "not-an-api",
    `${where(servingName, baseURL)}: the server answered HTML, not JSON: is baseURL the API root (usually ending in /v1)?`,
    2,
  );
}

/** Connections failed from the start: nothing listens there. */
export function unreachable(
  servingName: string,
  baseURL: string,
  failures: number,
  detail: string,
): ServingHalt {
  return new ServingHalt(
    "unreachable",
    `${where(servingName, baseURL)}: cannot reach the endpoint (${failures} connection failures in a row, last: ${detail}). ` +
      "Is the server running, and is baseURL (or OPENAI_BASE_URL) right? Rows not finished stay unfinished: run the same command again to resume.",
    1,
  );
}

/** The breaker stayed open past its budget. */
export function circuitOpen(
  servingName: string,
  baseURL: string,
  failures: number,
  seconds: number,
  detail: string,
): ServingHalt {
  return new ServingHalt(
    "circuit-open",
    `${where(servingName, baseURL)} failed ${failures} times in a row over ${seconds.toFixed(0)} s (last: ${detail}); ` +
      "the circuit breaker stopped the run. Rows not finished stay unfinished: run the same command again to resume once the endpoint is healthy.",
    1,
  );
}
