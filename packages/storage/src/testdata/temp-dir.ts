import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SourceItem } from "@dataflow/core";
import { afterEach, beforeEach } from "vitest";

/** A fresh temp directory per test, removed after it; call in a describe block. */
export function useTempDir(): (name?: string) => string {
  let dir = "";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "dataflow-storage-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return (name?: string) => (name === undefined ? dir : join(dir, name));
}

export async function collect(items: AsyncIterable<SourceItem>): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}
