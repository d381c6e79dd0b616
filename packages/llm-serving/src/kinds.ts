import type { ServingKind } from "@dataflow/core";
import { createServing } from "./create-serving.js";
import { SERVING_TYPES, servingOptionsSchema } from "./serving-kind-specs.js";

export { servingOptionsSchema };

/** The serving types of this package, as a pipeline's `type:` names them. */
export const servingKinds: readonly ServingKind[] = SERVING_TYPES.map(
  ({ type, description, default: isDefault }) => ({
    type,
    description,
    options: servingOptionsSchema,
    ...(isDefault ? { default: true } : {}),
    // The compiler checked the block against servingOptionsSchema and filled its defaults.
    create: (name, config, context) => createServing(name, { ...config, type }, context),
  }),
);
