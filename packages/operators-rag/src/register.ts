import type { OperatorRegistry } from "@dataflow/core";
import { NoisyContextOperator } from "./noisy-context/noisy-context.js";
import { TaskSynthOperator } from "./task-synth/task-synth.js";
import { IterativeTrajectoryOperator } from "./trajectory/iterative-trajectory.js";

/**
 * The package as a plugin (`plugins: ["@dataflow/operators-rag"]`): ReaRAG-style search trajectories,
 * RAG-Tuning-style task synthesis and noisy mixed-retriever contexts.
 */
export function register(registry: OperatorRegistry): void {
  for (const op of [IterativeTrajectoryOperator, TaskSynthOperator, NoisyContextOperator]) {
    registry.register(op, "@dataflow/operators-rag");
  }
}
