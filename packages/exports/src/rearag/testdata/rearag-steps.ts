import type { ReaRagStepContent } from "../rearag-types.js";

/** A two-hop question and its steps, for the ReaRAG message tests. */
export const USER =
  "Question: Where was the inventor of the Calloway loom born?\n\nReasoning process with function call:";

export const STEPS: ReaRagStepContent[] = [
  {
    thought: "I need the inventor.",
    action: { type: "search", query: "inventor of the Calloway loom" },
    observation: "Agnes Pell invented the Calloway loom.",
  },
  {
    thought: "Now her birthplace.",
    action: { type: "search", query: "Agnes Pell's birthplace" },
    observation: "She was born in Brindlemoor.",
  },
  { thought: "That answers it.", action: { type: "finish", answer: "Brindlemoor" } },
];
