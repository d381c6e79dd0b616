import { recordSecret } from "@dataflow/core";

/** A `--queue` address: how to connect, and how to print it (no password). */
export interface QueueAddress {
  /** The URL as given, password included: for the Redis client only. */
  url: string;
  /** The URL with any password replaced by `***`, for messages and logs. */
  shown: string;
}

/**
 * Checks a `--queue` URL (redis:// or rediss://, a host, an optional port and database) and records
 * its password as a secret, so the CLI's redactor removes it from anything printed.
 */
export function parseQueueUrl(text: string): QueueAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(
      `--queue ${JSON.stringify(text)} is not a URL: write redis://HOST:PORT, e.g. redis://127.0.0.1:6379`,
    );
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:")
    throw new Error(
      `--queue ${redactUrl(url)}: expected a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379`,
    );
  if (!url.hostname) throw new Error(`--queue ${redactUrl(url)}: the URL names no host`);
  const password = decodeURIComponent(url.password);
  if (password) recordSecret("--queue password", password);
  return { url: text, shown: redactUrl(url) };
}

function redactUrl(url: URL): string {
  if (!url.password) return url.href;
  const copy = new URL(url.href);
  copy.password = "***";
  return copy.href;
}
