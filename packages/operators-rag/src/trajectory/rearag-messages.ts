import { pythonRepr } from "./python-repr.js";
import { parseStep } from "./step-parser.js";
import { maxTokenF1 } from "./token-f1.js";
import type { ActionStyle, ReaRagMessage, TrajectoryAction, TrajectoryStep } from "./trajectory-step.js";

/** The action as ReaRAG's dict: `{'function': 'search', 'parameters': {'query': '...'}}`. */
export function renderAction(action: TrajectoryAction, style: ActionStyle = "python"): string {
  const dict =
    action.type === "search"
      ? { function: "search", parameters: { query: action.query } }
      : { function: "finish", parameters: { answer: action.answer } };
  return style === "python" ? pythonRepr(dict) : jsonDict(dict);
}

// JSON with Python's separators (", " and ": "), so both styles read alike.
function jsonDict(value: unknown): string {
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${jsonDict(v)}`).join(", ")}}`;
}

/** One step as ReaRAG's formatter writes it; note the space after `Action n:`. */
export function renderStep(
  n: number,
  thought: string,
  action: TrajectoryAction,
  style: ActionStyle = "python",
): string {
  return `Thought ${n}: ${thought}\nAction ${n}: \n\`\`\`\n${renderAction(action, style)}\n\`\`\``;
}

/** A trajectory as a ReaRAG-20k conversation: the user turn, then each step and its observation. */
export function toReaRagMessages(
  userContent: string,
  steps: readonly TrajectoryStep[],
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

/** Which of ReaRAG's cleaning rules (2_clean_conversations.py) a problem breaks, or `message-shape`. */
export type ReaRagRule =
  | "first-user"
  | "observation-follows-step"
  | "observation-after-search"
  | "thought-numbers"
  | "ends-with-finish"
  | "answer-f1"
  | "message-shape";

export interface ReaRagProblem {
  rule: ReaRagRule;
  /** 0-based index of the message, when the problem is about one. */
  index?: number;
  message: string;
}

/**
 * Checks a conversation against ReaRAG's six cleaning rules: the first message is `user`; every
 * assistant step is followed by an `observation` unless it is last; an observation only follows a
 * `search`; thought numbers run 1, 2, 3 … without gaps; the last message is an assistant `finish`;
 * with gold answers, token F1 between the finish answer and the best gold is above `minF1` (0).
 * Also reports messages of the wrong shape (unknown role, `content` on an assistant step, an action
 * that does not parse). Returns every problem found; an empty list means the row is valid.
 */
export function validateReaRagMessages(
  messages: unknown,
  gold?: string | readonly string[],
  options: { minF1?: number } = {},
): ReaRagProblem[] {
  if (!Array.isArray(messages) || messages.length === 0) {
    return [{ rule: "message-shape", message: "messages must be a non-empty array" }];
  }
  const problems: ReaRagProblem[] = [];
  const add = (rule: ReaRagRule, index: number | undefined, message: string) =>
    problems.push({ rule, ...(index !== undefined ? { index } : {}), message });

  const first = messages[0] as Record<string, unknown> | null;
  if (first?.role !== "user" || typeof first.content !== "string") {
    add("first-user", 0, "the first message must be a user message with string content");
  }
  let steps = 0;
  let previous: TrajectoryAction | undefined;
  let finish: string | undefined;
  messages.forEach((raw, i) => {
    const m = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    const last = i === messages.length - 1;
    const action = previous;
    previous = undefined;
    if (m.role === "assistant") {
      steps++;
      if (typeof m.reasoning !== "string") {
        add("message-shape", i, 'an assistant step must carry its text in "reasoning"');
        return;
      }
      const parsed = parseStep(m.reasoning, steps);
      if (!parsed.ok) {
        add(parsed.code === "wrong-number" ? "thought-numbers" : "message-shape", i, parsed.message);
        return;
      }
      if (parsed.step.discarded) add("message-shape", i, "the step has text after its action");
      previous = parsed.step.action;
      const next = messages[i + 1] as Record<string, unknown> | undefined;
      if (!last && next?.role !== "observation") {
        add(
          "observation-follows-step",
          i,
          "an assistant step that is not the last message must be followed by an observation",
        );
      }
      if (last) {
        if (parsed.step.action.type === "finish") finish = parsed.step.action.answer;
        else add("ends-with-finish", i, "the last step must call finish, not search");
      }
    } else if (m.role === "observation") {
      if (typeof m.content !== "string") add("message-shape", i, "an observation must have string content");
      if (action?.type !== "search")
        add("observation-after-search", i, "an observation must follow a search step");
      if (last)
        add("ends-with-finish", i, "the conversation must end with a finish step, not an observation");
    } else if (m.role === "user") {
      if (i > 0) add("message-shape", i, "only the first message may be a user message");
      if (last) add("ends-with-finish", i, "the conversation must end with a finish step");
    } else {
      add(
        "message-shape",
        i,
        `unknown role ${JSON.stringify(m.role)} (expected user, assistant or observation)`,
      );
    }
  });
  if (finish !== undefined && gold !== undefined) {
    const minF1 = options.minF1 ?? 0;
    const f1 = maxTokenF1(finish, gold);
    if (f1 <= minF1) {
      add(
        "answer-f1",
        messages.length - 1,
        `token F1 ${f1.toFixed(3)} between the answer and the gold answer is not above ${minF1}`,
      );
    }
  }
  return problems;
}
