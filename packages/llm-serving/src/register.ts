import type { OperatorRegistry } from "@dataflow/core";
import { servingKinds } from "./kinds.js";

/** The plugin entry point: registers the serving types (auto, openai, ai-sdk, local). */
export function register(registry: OperatorRegistry): void {
  for (const kind of servingKinds) registry.servingKinds.add(kind);
}
