export {
  type BuiltContext,
  buildContext,
  type ContextPlan,
  NOISE_KINDS,
  type NoiseKind,
  type PassageMeta,
} from "./build-context.js";
export { type GoldPassage, readGold } from "./gold.js";
export { NoisyContextOperator, type NoisyContextParams } from "./noisy-context.js";
