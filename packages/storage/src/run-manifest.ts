import { readFile } from "node:fs/promises";
import type { RunManifest } from "@dataflow/core";
import { redactSecrets } from "@dataflow/core";
import { AtomicFile } from "./atomic-file.js";

/** The manifest at `path`, or undefined when there is none; a corrupt one is an Error naming the file. */
export async function readManifestFile(path: string): Promise<RunManifest | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as { code?: unknown }).code === "ENOENT") return undefined;
    throw new Error(`cannot read run manifest ${path}: ${(err as Error).message}`, { cause: err });
  }
  const fix = "delete it (or run with --fresh) to start the run over";
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`corrupt run manifest ${path}: invalid JSON (${(err as Error).message}); ${fix}`, {
      cause: err,
    });
  }
  const manifest = value as Partial<RunManifest> | null;
  if (
    typeof manifest !== "object" ||
    manifest === null ||
    Array.isArray(manifest) ||
    !Array.isArray(manifest.steps)
  )
    throw new Error(`corrupt run manifest ${path}: expected an object with a "steps" array; ${fix}`);
  return manifest as RunManifest;
}

/**
 * Writes the manifest atomically (temp file, fsync, rename): a reader sees
 * the old manifest or the new one, never part of one. Values of secret
 * environment variables are masked, in case one slipped into a field.
 */
export async function writeManifestFile(path: string, text: string): Promise<void> {
  const file = await AtomicFile.open(path);
  try {
    await file.write(redactSecrets(text));
  } catch (err) {
    await file.abort();
    throw err;
  }
  await file.commit();
}

/** The manifest as written: indented, so it diffs and reads well. */
export function manifestText(manifest: RunManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
