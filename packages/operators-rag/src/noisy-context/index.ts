export { buildContext } from "./build-context.js";
export {
  type BuiltContext,
  type ContextPlan,
  NOISE_KINDS,
  type NoiseKind,
  type PassageMeta,
} from "./context-types.js";
export { type GoldPassage, readGold } from "./gold.js";
export { NoisyContextOperator, type NoisyContextParams } from "./noisy-context.js";
