export { MemoryRunStore } from "./memory-run-store.js";
export { MemoryStorage } from "./memory-storage.js";
export { type OperatorRunResult, runOperator } from "./run-operator.js";
