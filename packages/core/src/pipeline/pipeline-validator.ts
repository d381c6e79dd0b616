import type { ValidateFunction } from "ajv";
import type { OperatorRegistry } from "../registry/registry.js";
import { cachedValidator } from "../util/validator-cache.js";
import { composePipelineSchema } from "./pipeline-schema.js";

const cache = new WeakMap<OperatorRegistry, { revision: number; validate: ValidateFunction }>();

/**
 * The compiler's validator for pipeline documents, composed from what `registry` holds now
 * (operator params left to the per-step check), composed again only after a registration and
 * compiled only when no earlier process stored the same schema's validator (validator-cache.ts).
 */
export function pipelineValidator(registry: OperatorRegistry): ValidateFunction {
  const hit = cache.get(registry);
  if (hit && hit.revision === registry.revision) return hit.validate;
  const validate = cachedValidator(composePipelineSchema(registry, { operators: false }));
  cache.set(registry, { revision: registry.revision, validate });
  return validate;
}
