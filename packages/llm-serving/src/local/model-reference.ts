import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";

/** What `model:` of a local serving names: a GGUF file here, or a URI to download once. */
export type ModelReference =
  | { kind: "file"; path: string; label: string; sha256?: string }
  | { kind: "uri"; uri: string; label: string; sha256?: string; sizeBytes?: number };

/**
 * The default local model: Qwen2.5-1.5B-Instruct at Q4_K_M (1.1 GB, Apache-2.0), the smallest
 * Qwen2.5 that writes usable reasoning questions and follows a JSON grammar's intent, and fast
 * enough on a laptop CPU. The sha256 and size are pinned (see README), so the download is
 * verified without trusting the server.
 */
export const DEFAULT_LOCAL_MODEL = {
  uri: "hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf",
  sha256: "6a1a2eb6d15622bf3c96857206351ba97e1af16c30d7a74ee38970e434e9407e",
  sizeBytes: 1_117_320_736,
} as const;

const URI_SCHEME = /^(hf:|huggingface:|hf\.co\/|huggingface\.co\/|https?:\/\/)/i;
const GGUF_FILE = /\.gguf(\.part\d+of\d+)?$/i;

/** Whether `model` names a local model (a URI or a GGUF file) rather than an API model name like gpt-4o-mini. */
export function isLocalModelReference(model: string): boolean {
  const m = model.trim();
  return URI_SCHEME.test(m) || GGUF_FILE.test(m);
}

/**
 * `model` as a reference: a URI as it is (node-llama-cpp resolves it), anything else a file path
 * relative to `cwd` (`~` is the home directory). The default model carries its pinned checksum.
 */
export function parseModelReference(model: string, cwd: string = process.cwd()): ModelReference {
  const m = model.trim();
  if (URI_SCHEME.test(m)) {
    if (m === DEFAULT_LOCAL_MODEL.uri) {
      return {
        kind: "uri",
        uri: m,
        label: m,
        sha256: DEFAULT_LOCAL_MODEL.sha256,
        sizeBytes: DEFAULT_LOCAL_MODEL.sizeBytes,
      };
    }
    return { kind: "uri", uri: m, label: m };
  }
  const expanded = m === "~" || m.startsWith("~/") ? homedir() + m.slice(1) : m;
  const path = isAbsolute(expanded) ? expanded : resolve(cwd, expanded);
  return { kind: "file", path, label: m };
}
