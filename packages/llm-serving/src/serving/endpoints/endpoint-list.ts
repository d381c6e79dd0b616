import type { Logger } from "@dataflow/core";
import type { EndpointConfig } from "../../serving-config.js";
import { checkBaseURL, endpointLabel, isLoopback, resolveApiKey } from "../endpoint.js";
import type { PoolEndpoint } from "./pool-member.js";

/** An endpoint ready for its transport: the key is for the transport only, never logged or stored. */
export interface ResolvedEndpoint extends PoolEndpoint {
  apiKey: string;
}

/**
 * The endpoints a serving's config lists: `endpoints:`, else `baseURL` as a list or one URL.
 * Empty entries (an unset `${VAR:-}`) are dropped; none left means none configured.
 */
export function listedEndpoints(
  name: string,
  config: { baseURL?: string | string[] | undefined; endpoints?: EndpointConfig[] | undefined },
): EndpointConfig[] {
  const urls = Array.isArray(config.baseURL) ? config.baseURL : [config.baseURL ?? ""];
  const fromURL = urls.map((u) => u.trim()).filter((u) => u.length > 0);
  if (config.endpoints !== undefined && fromURL.length > 0) {
    throw new Error(
      `serving "${name}": give baseURL or endpoints, not both (endpoints: a list of { baseURL, weight, maxConcurrency, apiKeyEnv })`,
    );
  }
  if (config.endpoints === undefined) return fromURL.map((baseURL) => ({ baseURL }));
  return config.endpoints
    .map((e) => ({ ...e, baseURL: e.baseURL.trim() }))
    .filter((e) => e.baseURL.length > 0);
}

/**
 * Each listed endpoint checked (an http(s) URL without credentials, listed once) with its key
 * from its own `apiKeyEnv` or the serving's. Throws an Error saying what to fix.
 */
export function resolveEndpoints(
  name: string,
  listed: readonly EndpointConfig[],
  apiKeyEnv: string,
  env: Record<string, string | undefined>,
  logger: Logger,
): ResolvedEndpoint[] {
  const seen = new Set<string>();
  return listed.map((e, i) => {
    const baseURL = checkBaseURL(name, e.baseURL, logger);
    const label = endpointLabel(baseURL);
    const url = new URL(baseURL);
    if (url.username || url.password) {
      throw new Error(
        `serving "${name}": endpoint ${i + 1} (${label}) has credentials in its URL; put the key in an environment variable and name it with apiKeyEnv`,
      );
    }
    if (seen.has(label)) throw new Error(`serving "${name}": endpoint ${label} is listed twice`);
    seen.add(label);
    const keyEnv = e.apiKeyEnv ?? apiKeyEnv;
    const { apiKey, placeholder } = resolveApiKey(env, keyEnv, baseURL, name);
    if (placeholder && !isLoopback(baseURL))
      logger.warn(`serving "${name}": ${keyEnv} is not set; calling ${label} without an API key`);
    return {
      baseURL,
      apiKeyEnv: keyEnv,
      apiKey,
      ...(e.weight !== undefined ? { weight: e.weight } : {}),
      ...(e.maxConcurrency !== undefined ? { maxConcurrency: e.maxConcurrency } : {}),
    };
  });
}
