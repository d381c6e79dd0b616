import { type Logger, recordSecret } from "@dataflow/core";

/** The OpenAI API, used when neither the serving nor OPENAI_BASE_URL names an endpoint. */
export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";

/** What the SDKs get when a loopback server needs no key: they refuse to start without one. */
export const PLACEHOLDER_API_KEY = "sk-no-key-required";

/** Whether `baseURL` points at this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopback(baseURL: string): boolean {
  let host: string;
  try {
    host = new URL(baseURL).hostname.toLowerCase();
  } catch {
    return false;
  }
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    host === "[::1]" ||
    host === "::1"
  );
}

/**
 * The endpoint for logs and error messages: scheme, host and path, never the
 * user-info or query (where some setups put credentials).
 */
export function endpointLabel(baseURL: string): string {
  try {
    const url = new URL(baseURL);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
  } catch {
    return "(an invalid URL)";
  }
}

/**
 * The base URL a serving calls, checked before any row is read: an http(s) URL, else an Error
 * saying what to write. A DataFlow `api_url` (ending in /chat/completions) is cut back to the
 * API root with a warning, since the SDKs append that path themselves.
 */
export function checkBaseURL(servingName: string, baseURL: string, logger: Logger): string {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    throw new Error(
      `serving "${servingName}": baseURL (or OPENAI_BASE_URL) is not a valid URL: ${JSON.stringify(baseURL.slice(0, 80))}; ` +
        "write the API root with its scheme, e.g. http://127.0.0.1:8000/v1",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(
      `serving "${servingName}": baseURL must be an http or https URL, got ${url.protocol}//…; write the API root, e.g. http://127.0.0.1:8000/v1`,
    );
  }
  const suffix = /\/chat\/completions\/*$/;
  if (!suffix.test(url.pathname)) return baseURL;
  url.pathname = url.pathname.replace(suffix, "");
  const root = url.toString().replace(/\/+$/, "");
  logger.warn(
    `serving "${servingName}": baseURL ends in /chat/completions (a DataFlow api_url); using the API root ${endpointLabel(root)} (the client adds /chat/completions itself)`,
  );
  return root;
}

export interface ResolvedKey {
  apiKey: string;
  /** True when no key was set and the placeholder stands in. */
  placeholder: boolean;
}

/**
 * The API key from the environment variable `apiKeyEnv`. A missing key is an
 * error only for the OpenAI API itself; other endpoints (local servers, a LAN
 * vLLM) often need none, so they get a placeholder and, if they do need one,
 * answer 401 — a bad-request error naming the variable.
 */
export function resolveApiKey(
  env: Record<string, string | undefined>,
  apiKeyEnv: string,
  baseURL: string,
  servingName: string,
): ResolvedKey {
  const value = env[apiKeyEnv]?.trim();
  // Whatever the variable is called, its value is a key: never printed or stored.
  recordSecret(apiKeyEnv, value);
  if (value) return { apiKey: value, placeholder: false };
  let host = "";
  try {
    host = new URL(baseURL).hostname.toLowerCase();
  } catch {
    throw new Error(
      `serving "${servingName}": baseURL is not a valid URL: ${JSON.stringify(endpointLabel(baseURL))}`,
    );
  }
  if (host === "api.openai.com") {
    throw new Error(
      `serving "${servingName}": the environment variable ${apiKeyEnv} is not set; it must hold the API key for ` +
        `${endpointLabel(baseURL)}. Or point the serving at another OpenAI-compatible server with baseURL ` +
        "(or OPENAI_BASE_URL).",
    );
  }
  return { apiKey: PLACEHOLDER_API_KEY, placeholder: true };
}
