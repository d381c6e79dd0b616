export * from "./noisy-context/index.js";
export { register } from "./register.js";
export * from "./task-synth/index.js";
export * from "./trajectory/index.js";
