import type { KindTable } from "../registry/kind-table.js";
import { blocks, type CompileContext } from "./compile-context.js";
import type { KindConfig } from "./plan.js";

/**
 * The declared servings. Their options were checked by the pipeline schema against each one's
 * registered kind; what is left is a type no plugin registered when none is registered at all
 * (the schema's enum reports the others, with the registered names).
 */
export function checkServings(declared: unknown, ctx: CompileContext): Record<string, KindConfig> {
  const servings = blocks(declared);
  reportUnregistered("servings", servings, ctx.registry.servingKinds, ctx);
  return servings;
}

/** An error per block whose `type` names no kind, when the table is empty (no enum to say so). */
export function reportUnregistered<K extends object>(
  section: string,
  declared: Record<string, KindConfig>,
  kinds: KindTable<K>,
  ctx: CompileContext,
): void {
  if (kinds.size) return;
  for (const [name, config] of Object.entries(declared)) {
    if (!config || typeof config !== "object" || typeof config.type !== "string") continue;
    ctx.diagnostics.push({
      severity: "error",
      message: `${section}.${name}: ${kinds.what} "${config.type}" is not registered (no ${kinds.what}s are)`,
      location: ctx.doc.locate([section, name, "type"]),
      hint: "list the plugin that provides it under plugins:",
    });
  }
}
