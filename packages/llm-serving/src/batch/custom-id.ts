import { createHash } from "node:crypto";
import { canonicalJson } from "@dataflow/core";

/**
 * A batch line's custom_id: a hash of its request body (model, messages, settings, format), so
 * the same request has the same id in every process and a resumed run recognises its own work.
 */
export function customId(body: Record<string, unknown>): string {
  return `df-${createHash("sha256").update(canonicalJson(body)).digest("hex").slice(0, 40)}`;
}
