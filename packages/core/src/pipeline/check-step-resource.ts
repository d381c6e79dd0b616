import type { SourceLocation } from "../contracts/errors.js";
import { didYouMean } from "../util/did-you-mean.js";
import type { CompileContext } from "./compile-context.js";
import type { Path } from "./pipeline-document.js";

/** What a step can name besides its operator, in words for messages. */
export interface Resource {
  key: "serving" | "retriever";
  what: string;
  section: string;
}
export const SERVING: Resource = { key: "serving", what: "an LLM serving", section: "servings" };
export const RETRIEVER: Resource = { key: "retriever", what: "a retriever", section: "retrievers" };

/**
 * A step's `serving:` or `retriever:` line against what its operator needs and what the pipeline
 * declares: missing when required, undefined, or ignored. Returns the name the step gave.
 */
export function checkStepResource(
  kind: Resource,
  value: unknown,
  need: "required" | "optional" | undefined,
  declared: Record<string, unknown>,
  step: { id: string; op: string; at: (...path: Path) => SourceLocation },
  ctx: CompileContext,
): string | undefined {
  const name = typeof value === "string" ? value : undefined;
  const names = Object.keys(declared);
  if (need === "required" && !name) {
    ctx.diagnostics.push({
      severity: "error",
      message: `step "${step.id}": ${step.op} needs ${kind.what}`,
      location: step.at(),
      hint: `add "${kind.key}: <name>" naming one of: ${names.join(", ") || `(define one under ${kind.section}:)`}`,
    });
  }
  if (name && !(name in declared)) {
    ctx.diagnostics.push({
      severity: "error",
      message: `step "${step.id}": ${kind.key} "${name}" is not defined`,
      location: step.at(kind.key),
      hint: didYouMean(name, names) || `define it under ${kind.section}:`,
    });
  }
  if (name && !need) {
    ctx.diagnostics.push({
      severity: "warning",
      message: `step "${step.id}": ${step.op} does not use ${kind.what}; "${kind.key}: ${name}" is ignored`,
      location: step.at(kind.key),
      hint: `remove the ${kind.key} line`,
    });
  }
  return name;
}
