/** What one step does: search the knowledge source, or end with an answer. */
export type ReaRagAction = { type: "search"; query: string } | { type: "finish"; answer: string };

/** How an action dict is written: Python repr (as ReaRAG-20k) or JSON (which Python's eval also reads). */
export type ActionStyle = "python" | "json";

/**
 * One message of a ReaRAG-20k row: assistant steps carry their text in `reasoning`, the others in
 * `content`. ReaRAG stores no system message; an export may put one first.
 */
export type ReaRagMessage =
  | { role: "system" | "user" | "observation"; content: string }
  | { role: "assistant"; reasoning: string };

/** A step before it is written as text: what toReaRagMessages renders. */
export interface ReaRagStepContent {
  thought: string;
  action: ReaRagAction;
  /** What the search gave back (absent after finish). */
  observation?: string;
}

/** What an assistant step's text says: its number, its thought and its action. */
export interface ReaRagStepParts {
  /** 1-based, as written after "Thought". */
  number: number;
  /** The free text after "Thought N:", trimmed. */
  thought: string;
  action: ReaRagAction;
}

/** One step of a stored trajectory. */
export interface ReaRagStep extends ReaRagStepParts {
  /** The assistant message's `reasoning`, verbatim: what a trainer learns. */
  reasoning: string;
  /** What the search returned (the message after a search step); absent after finish. */
  observation?: string;
}

/** A ReaRAG-20k message list, read. */
export interface ReaRagTrajectory {
  /** A leading system message, when one is allowed and present. */
  system?: string;
  /** The first user message, verbatim. */
  user: string;
  steps: ReaRagStep[];
}
