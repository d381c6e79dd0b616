import { renderStep } from "./rearag-step.js";
import type { ActionStyle, ReaRagMessage, ReaRagStepContent } from "./rearag-types.js";

/** Steps as a ReaRAG-20k conversation: the user turn, then each step and, after a search, its observation. */
export function toReaRagMessages(
  userContent: string,
  steps: readonly ReaRagStepContent[],
  style: ActionStyle = "python",
): ReaRagMessage[] {
  const messages: ReaRagMessage[] = [{ role: "user", content: userContent }];
  steps.forEach((step, i) => {
    messages.push({ role: "assistant", reasoning: renderStep(i + 1, step.thought, step.action, style) });
    if (step.action.type === "search")
      messages.push({ role: "observation", content: step.observation ?? "" });
  });
  return messages;
}
