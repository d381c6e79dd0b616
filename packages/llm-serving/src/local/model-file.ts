import { existsSync, statSync } from "node:fs";
import { rename } from "node:fs/promises";
import type { Logger } from "@dataflow/core";
import { type ProgressStream, downloadProgress, formatBytes } from "./download-progress.js";
import { LocalModelUnavailableError, insteadHint } from "./local-errors.js";
import { huggingFaceFileUrl, probeModelUrl } from "./hub-probe.js";
import { sha256File } from "./model-checksum.js";
import type { ModelReference } from "./model-reference.js";

export interface ObtainModelOptions {
  servingName: string;
  /** Where URIs are downloaded to, once. */
  modelsDir: string;
  /** HF_ENDPOINT / MODEL_ENDPOINT (another Hub, a mirror) and HF_TOKEN are read here. */
  env: Record<string, string | undefined>;
  logger: Logger;
  progressStream?: ProgressStream;
  signal?: AbortSignal;
}

const DEFAULT_HUB = "https://huggingface.co/";

/**
 * The path of the model's GGUF file: a file reference as it is, a URI from `modelsDir` when it
 * was downloaded before (no network), else downloaded there now — resumable (an interrupted
 * download continues from its `.ipull` file), with progress, and checked against the sha256
 * pinned for it or published by Hugging Face. Throws LocalModelUnavailableError, saying what to
 * set instead, when the file cannot be had.
 */
export async function obtainModelFile(ref: ModelReference, o: ObtainModelOptions): Promise<string> {
  if (ref.kind === "file") {
    if (!existsSync(ref.path) || !statSync(ref.path).isFile()) {
      throw new LocalModelUnavailableError(
        `serving "${o.servingName}": no model file at ${ref.path}. ${insteadHint(o.servingName)}`,
      );
    }
    if (ref.sha256) await verify(ref.path, { sha256: ref.sha256, source: "pinned for it" }, o, false);
    return ref.path;
  }

  const { resolveModelFile } = await import("node-llama-cpp");
  const hub = nonEmpty(o.env.MODEL_ENDPOINT) ?? nonEmpty(o.env.HF_ENDPOINT) ?? DEFAULT_HUB;
  const token = nonEmpty(o.env.HF_TOKEN);
  const common = {
    directory: o.modelsDir,
    cli: false,
    endpoints: { huggingFace: hub },
    ...(token ? { tokens: { huggingFace: token } } : {}),
  };
  try {
    // Downloaded before: found by name, without touching the network.
    return await resolveModelFile(ref.uri, { ...common, download: false });
  } catch {
    // not there yet
  }

  const fileUrl = huggingFaceFileUrl(ref.uri, hub);
  const probe = await probeModelUrl(
    fileUrl ?? (/^https?:\/\//i.test(ref.uri) ? ref.uri : hub),
    token ? { authorization: `Bearer ${token}` } : {},
  );
  if (!probe.ok) {
    throw new LocalModelUnavailableError(
      `serving "${o.servingName}": cannot download the local model ${ref.label}: ${probe.reason}. ${insteadHint(o.servingName)}`,
    );
  }
  const expected = ref.sha256
    ? { sha256: ref.sha256, source: "pinned for it" }
    : probe.sha256
      ? { sha256: probe.sha256, source: "published by Hugging Face" }
      : undefined;
  const size = ref.sizeBytes ? ` (${formatBytes(ref.sizeBytes)})` : "";
  o.logger.info(
    `serving "${o.servingName}": downloading the local model ${ref.label}${size} to ${o.modelsDir}; once only, later runs reuse it`,
  );
  const progress = downloadProgress(`downloading ${ref.label}`, {
    logger: o.logger,
    ...(o.progressStream ? { stream: o.progressStream } : {}),
  });
  let path: string;
  try {
    path = await resolveModelFile(ref.uri, {
      ...common,
      // Kept on cancel too, so the next run resumes instead of starting over.
      deleteTempFileOnCancel: false,
      onProgress: ({ downloadedSize, totalSize }) => progress.update(downloadedSize, totalSize),
      ...(o.signal ? { signal: o.signal } : {}),
    });
  } catch (err) {
    if (o.signal?.aborted) throw err;
    throw new LocalModelUnavailableError(
      `serving "${o.servingName}": cannot download the local model ${ref.label}: ${describe(err)}. ${insteadHint(o.servingName)}`,
      { cause: err },
    );
  } finally {
    progress.finish();
  }
  const got = statSync(path).size;
  if (ref.sizeBytes !== undefined && got !== ref.sizeBytes) {
    await quarantine(path);
    throw new LocalModelUnavailableError(
      `serving "${o.servingName}": the downloaded model ${ref.label} is ${got} bytes, expected ${ref.sizeBytes}; it was moved to ${path}.rejected. Run again to download it anew.`,
    );
  }
  if (expected) await verify(path, expected, o, true);
  else
    o.logger.warn(
      `serving "${o.servingName}": no sha256 is known for ${ref.label}; its download was not verified`,
    );
  return path;
}

/**
 * Checks the file's sha256. On a mismatch a downloaded file is moved aside (so the next run
 * downloads it anew; a user's own file is left alone) and the error says so.
 */
async function verify(
  path: string,
  expected: { sha256: string; source: string },
  o: ObtainModelOptions,
  downloaded: boolean,
): Promise<void> {
  const actual = await sha256File(path);
  if (actual === expected.sha256.toLowerCase()) {
    o.logger.info(`serving "${o.servingName}": ${path} matches the sha256 ${expected.source}`);
    return;
  }
  if (downloaded) await quarantine(path);
  throw new LocalModelUnavailableError(
    `serving "${o.servingName}": the model file ${path} has sha256 ${actual}, but the sha256 ${expected.source} is ` +
      `${expected.sha256}` +
      (downloaded
        ? `; the file was moved to ${path}.rejected. Run again to download it anew.`
        : "; check where the file came from."),
  );
}

async function quarantine(path: string): Promise<void> {
  await rename(path, `${path}.rejected`).catch(() => {});
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? ` (${err.cause.message})` : "";
  return `${err.message}${cause}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}
