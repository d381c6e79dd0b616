import type { ReaRagStepContent } from "@dataflow/exports";

/** One step of a search trajectory, as the `trajectory` output column holds it. */
export interface TrajectoryStep extends ReaRagStepContent {
  /** The passages the search retrieved, best first (absent after finish). */
  passages?: { id: string; score: number }[];
}
