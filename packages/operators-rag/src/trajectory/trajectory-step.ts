/** What one step does: search the knowledge source, or end with an answer. */
export type TrajectoryAction = { type: "search"; query: string } | { type: "finish"; answer: string };

/** One step of a search trajectory, as the `trajectory` output column holds it. */
export interface TrajectoryStep {
  thought: string;
  action: TrajectoryAction;
  /** What the search gave back (absent after finish). */
  observation?: string;
  /** The passages the search retrieved, best first (absent after finish). */
  passages?: { id: string; score: number }[];
}

/** One message of a ReaRAG-20k conversation: assistant steps carry `reasoning`, the others `content`. */
export type ReaRagMessage =
  | { role: "user"; content: string }
  | { role: "assistant"; reasoning: string }
  | { role: "observation"; content: string };

/** How the action dict is written: Python repr (as ReaRAG-20k) or JSON (which Python's eval also reads). */
export type ActionStyle = "python" | "json";
