export { type ExpectedError, expectCleanError, expectNoRawRuntimeText } from "./expect-clean-error.js";
export { type DataflowResult, type RunOptions, repoRoot, runDataflow } from "./run-dataflow.js";
export { jsonl, Workspace } from "./workspace.js";
