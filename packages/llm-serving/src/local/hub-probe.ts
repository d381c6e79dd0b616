import { isSha256 } from "./model-checksum.js";

/**
 * The download URL of a Hugging Face file URI (`hf:owner/repo/path/file.gguf[#revision]`, or an
 * https URL of the hub with `/resolve/`); undefined for anything else, including the
 * `hf:owner/repo:quant` form, which needs the Hub's API to resolve.
 */
export function huggingFaceFileUrl(uri: string, endpoint: string): string | undefined {
  const base = endpoint.endsWith("/") ? endpoint : `${endpoint}/`;
  const prefix = /^(hf:\/\/|huggingface:\/\/|hf:|huggingface:|hf\.co\/|huggingface\.co\/)/i.exec(uri)?.[0];
  if (prefix) {
    const [path = "", revision = "main"] = uri.slice(prefix.length).split("#");
    const [owner, repo, ...file] = path.split("/");
    if (!owner || !repo || file.length === 0 || !/\.gguf$/i.test(path)) return undefined;
    const enc = (p: string) => p.split("/").map(encodeURIComponent).join("/");
    return `${base}${enc(owner)}/${enc(repo)}/resolve/${encodeURIComponent(revision || "main")}/${enc(file.join("/"))}`;
  }
  try {
    const url = new URL(uri);
    const hub = new URL(base);
    const known = url.host === hub.host || url.hostname === "huggingface.co" || url.hostname === "hf.co";
    return known && url.pathname.includes("/resolve/") ? `${url.origin}${url.pathname}` : undefined;
  } catch {
    return undefined;
  }
}

export type ProbeResult = { ok: true; sha256?: string } | { ok: false; reason: string };

const PROBE_TIMEOUT_MS = 20_000;

/**
 * Asks the server about a model file before downloading it, once, with a short timeout: the
 * downloader retries an unreachable host for minutes, so a machine without network would wait
 * that long for the error. Also reads the sha256 Hugging Face publishes for files stored with
 * Git LFS (`X-Linked-Etag`, the LFS object id), without following the redirect to the CDN.
 */
export async function probeModelUrl(
  url: string,
  headers: Record<string, string> = {},
  fetchImpl: typeof fetch = fetch,
): Promise<ProbeResult> {
  let res: Response;
  try {
    res = await fetchImpl(url, {
      method: "HEAD",
      redirect: "manual",
      headers,
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    const why = cause instanceof Error ? cause.message : (err as Error).message;
    return { ok: false, reason: `cannot reach ${origin(url)} (${why})` };
  }
  if (res.status === 401 || res.status === 403) {
    return {
      ok: false,
      reason: `${origin(url)} answered ${res.status}: the model needs access (set HF_TOKEN)`,
    };
  }
  if (res.status === 404) return { ok: false, reason: `${origin(url)} has no such file (404)` };
  // Anything else (a server refusing HEAD, a passing 5xx) is left to the downloader and its retries.
  const etag = res.headers.get("x-linked-etag")?.replace(/^W\//, "").replace(/"/g, "").toLowerCase();
  return etag && isSha256(etag) ? { ok: true, sha256: etag } : { ok: true };
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "the server";
  }
}
