export { describePlan } from "./commands/run.js";
export { createDefaultRegistry } from "./default-registry.js";
export { formatSummary } from "./format-summary.js";
export type { CliIO } from "./io.js";
export { EXIT_INVALID, EXIT_OK, EXIT_RUN_FAILED, processIO } from "./io.js";
export { runCli } from "./run-cli.js";
