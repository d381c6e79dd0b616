import { readReaRagStep } from "./rearag-step.js";
import type { ReaRagStep, ReaRagTrajectory } from "./rearag-types.js";
import { maxTokenF1 } from "../token-f1.js";

export interface ParseTrajectoryOptions {
  /** Accept one system message before the user's question (ReaRAG stores none; default false). */
  allowSystem?: boolean;
  /** Most assistant steps (ReaRAG builds at most 25). */
  maxSteps?: number;
}

export interface ValidateReaRagOptions extends ParseTrajectoryOptions {
  /** With a gold answer, the finish answer's token F1 must be above this (default 0, as ReaRAG). */
  minF1?: number;
}

/**
 * Which of ReaRAG's cleaning rules (2_clean_conversations.py) a problem breaks; `message-shape`
 * for a message of the wrong shape, `max-steps` for too many steps.
 */
export type ReaRagRule =
  | "first-user"
  | "observation-follows-step"
  | "observation-after-search"
  | "thought-numbers"
  | "ends-with-finish"
  | "answer-f1"
  | "message-shape"
  | "max-steps";

export interface ReaRagProblem {
  rule: ReaRagRule;
  /** 0-based index of the message, when the problem is about one. */
  index?: number;
  /** What is wrong, naming the message 1-based. */
  message: string;
}

/** A trajectory that breaks ReaRAG's cleaning rules; `problems` lists every one found. */
export class TrajectoryError extends Error {
  override readonly name = "TrajectoryError";
  /** Each problem's message, in message order. */
  readonly problems: string[];

  constructor(readonly details: readonly ReaRagProblem[]) {
    const problems = details.map((p) => p.message);
    super(`the trajectory breaks ReaRAG's rules: ${problems.join("; ")}`);
    this.problems = problems;
  }
}

const WRAPPED_QUESTION = /^Question:[ \t]*([\s\S]*?)\s*\n\nReasoning process with function call:\s*$/;

/** The question inside ReaRAG's construction wrapper (`Question: …\n\nReasoning process with function call:`), or the text as is. */
export function bareQuestion(userContent: string): string {
  return WRAPPED_QUESTION.exec(userContent)?.[1] ?? userContent;
}

/**
 * Read a ReaRAG-20k `messages` list and check the rules of ReaRAG's cleaning script: the first
 * message is the user's; every assistant step is followed by an observation unless it is the last
 * message; an observation only follows a search; thought numbers run 1, 2, 3… without gaps; the
 * last message is an assistant finish. Each step must be ReaRAG's `Thought N: …\nAction N: \n` +
 * a fenced Python dict literal. Throws TrajectoryError listing every broken rule.
 */
export function parseReaRagTrajectory(
  messages: unknown,
  options: ParseTrajectoryOptions = {},
): ReaRagTrajectory {
  const read = inspect(messages, options);
  if (read.problems.length) throw new TrajectoryError(read.problems);
  return read.trajectory;
}

/**
 * The rules of parseReaRagTrajectory as a list, plus ReaRAG's sixth: with gold answers, the token
 * F1 between the finish answer and the best gold is above `minF1` (0). Returns every problem
 * found, in message order; an empty list means the row is valid.
 */
export function validateReaRagMessages(
  messages: unknown,
  gold?: string | readonly string[],
  options: ValidateReaRagOptions = {},
): ReaRagProblem[] {
  const { trajectory, problems, finished } = inspect(messages, options);
  const last = trajectory.steps[trajectory.steps.length - 1];
  if (finished && last?.action.type === "finish" && gold !== undefined) {
    const minF1 = options.minF1 ?? 0;
    const f1 = maxTokenF1(last.action.answer, gold);
    if (f1 <= minF1) {
      problems.push({
        rule: "answer-f1",
        index: (messages as unknown[]).length - 1,
        message: `token F1 ${f1.toFixed(3)} between the answer and the gold answer is not above ${minF1}`,
      });
    }
  }
  return problems;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "string" ? "a string" : `a ${typeof value}`;
}

/** Stands in for an unreadable step so the numbering of later steps is still checked against its position. */
function placeholder(number: number): ReaRagStep {
  return { number, reasoning: "", thought: "", action: { type: "search", query: "" } };
}

/** The message before the current one, as the rules need it; an unreadable step says nothing about what may follow. */
type Previous = "question" | "search" | "finish" | "observation" | "other" | "unreadable";

function inspect(
  messages: unknown,
  options: ParseTrajectoryOptions,
): { trajectory: ReaRagTrajectory; problems: ReaRagProblem[]; finished: boolean } {
  const problems: ReaRagProblem[] = [];
  const add = (rule: ReaRagRule, index: number | undefined, message: string) =>
    problems.push({ rule, ...(index === undefined ? {} : { index }), message });
  if (!Array.isArray(messages)) {
    add(
      "message-shape",
      undefined,
      `messages must be a list of {role, content|reasoning} objects, got ${describe(messages)}`,
    );
    return { trajectory: { user: "", steps: [] }, problems, finished: false };
  }
  const at = (i: number) => `message ${i + 1}`;
  let start = 0;
  let system: string | undefined;
  const first = messages[0] as { role?: unknown; content?: unknown } | undefined;
  if (options.allowSystem && first?.role === "system") {
    if (typeof first.content !== "string")
      add("message-shape", 0, `${at(0)} (system) needs a string "content"`);
    else system = first.content;
    start = 1;
  }

  const question = messages[start] as { role?: unknown; content?: unknown } | undefined;
  let user = "";
  if (question?.role !== "user") {
    add(
      messages.length === 0 ? "message-shape" : "first-user",
      start,
      `${at(start)} must be the user's question (role "user"), got ${question === undefined ? "nothing" : `role ${JSON.stringify(question?.role)}`}`,
    );
  } else if (typeof question.content !== "string") {
    add(
      "first-user",
      start,
      `${at(start)} (user) needs a string "content", got ${describe(question.content)}`,
    );
  } else {
    user = question.content;
  }

  const steps: ReaRagStep[] = [];
  let previous: Previous = "question";
  for (let i = start + 1; i < messages.length; i++) {
    const m = messages[i] as Record<string, unknown> | null;
    const role = typeof m === "object" && m !== null ? m.role : undefined;
    if (role === "assistant") {
      const reasoning = m?.reasoning;
      if (previous === "search") {
        add(
          "observation-follows-step",
          i,
          `${at(i)}: step ${steps.length} searched but is followed by another assistant step, not an observation`,
        );
      } else if (previous === "finish") {
        add("observation-follows-step", i, `${at(i)}: step ${steps.length} finished but more steps follow`);
      }
      // An unreadable step still counts, so the numbers after it are not reported too.
      previous = "unreadable";
      if (typeof reasoning !== "string") {
        const hint =
          typeof m?.content === "string" ? ' (ReaRAG keeps the step in "reasoning", not "content")' : "";
        add("message-shape", i, `${at(i)} (assistant) needs a string "reasoning"${hint}`);
        steps.push(placeholder(steps.length + 1));
        continue;
      }
      const read = readReaRagStep(reasoning);
      if (!read.ok) {
        add(
          read.code === "wrong-number" ? "thought-numbers" : "message-shape",
          i,
          `${at(i)} (assistant step ${steps.length + 1}): ${read.message}`,
        );
        steps.push(placeholder(steps.length + 1));
        continue;
      }
      const { number, thought, action } = read.step;
      if (number !== steps.length + 1) {
        add(
          "thought-numbers",
          i,
          `${at(i)} is "Thought ${number}" where step ${steps.length + 1} was expected (numbers run 1, 2, 3… without gaps)`,
        );
      }
      steps.push({ number: steps.length + 1, reasoning, thought, action });
      previous = action.type;
    } else if (role === "observation") {
      if (previous !== "search" && previous !== "unreadable") {
        const after =
          previous === "finish"
            ? "a finish action"
            : previous === "question"
              ? "the question"
              : previous === "observation"
                ? "another observation"
                : "a message that is not a search step";
        add(
          "observation-after-search",
          i,
          `${at(i)} is an observation after ${after}; observations only follow a search`,
        );
      }
      if (typeof m?.content !== "string") {
        add(
          "message-shape",
          i,
          `${at(i)} (observation) needs a string "content", got ${describe(m?.content)}`,
        );
      } else if (previous === "search") {
        (steps[steps.length - 1] as ReaRagStep).observation = m.content;
      }
      previous = "observation";
    } else {
      add(
        "message-shape",
        i,
        `${at(i)} has role ${JSON.stringify(role)}; after the question a ReaRAG row holds only "assistant" steps and "observation"s`,
      );
      previous = "other";
    }
  }
  if (previous !== "finish" && previous !== "unreadable" && messages.length > start) {
    const last = messages.length - 1;
    add(
      "ends-with-finish",
      last,
      previous === "search"
        ? `the last message (${last + 1}) is a search step; a trajectory ends with an assistant finish action`
        : `the last message (${last + 1}) is not an assistant finish action; a trajectory ends with one`,
    );
  }
  if (options.maxSteps !== undefined && steps.length > options.maxSteps) {
    add("max-steps", undefined, `${steps.length} steps, more than maxSteps (${options.maxSteps})`);
  }
  return {
    trajectory: { ...(system === undefined ? {} : { system }), user, steps },
    problems,
    finished: previous === "finish",
  };
}
