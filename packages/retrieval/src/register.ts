import type { OperatorRegistry } from "@dataflow/core";
import { retrieverKinds } from "./retriever-kinds.js";

/** The plugin entry point: registers the retriever types (bm25, dense, hybrid). */
export function register(registry: OperatorRegistry): void {
  for (const kind of retrieverKinds) registry.retrieverKinds.add(kind);
}
