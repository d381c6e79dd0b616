import { parsePythonLiteral } from "./python-literal.js";

/** One ReaRAG action, from the fenced dict after "Action N:". */
export type ReaRagAction = { function: "search"; query: string } | { function: "finish"; answer: string };

export interface ReaRagStep {
  /** 1-based, as written after "Thought". */
  number: number;
  /** The assistant message's `reasoning`, verbatim: what a trainer learns. */
  reasoning: string;
  /** The free text after "Thought N:", trimmed. */
  thought: string;
  action: ReaRagAction;
  /** What the search returned (the message after a search step); absent after finish. */
  observation?: string;
}

export interface ReaRagTrajectory {
  /** A leading system message, when one is allowed and present. */
  system?: string;
  /** The first user message, verbatim. */
  user: string;
  steps: ReaRagStep[];
}

export interface ParseTrajectoryOptions {
  /** Accept one system message before the user's question (ReaRAG stores none; default false). */
  allowSystem?: boolean;
  /** Most assistant steps (ReaRAG builds at most 25). */
  maxSteps?: number;
}

/** A trajectory that breaks ReaRAG's cleaning rules; `problems` lists every one found. */
export class TrajectoryError extends Error {
  override readonly name = "TrajectoryError";
  constructor(readonly problems: string[]) {
    super(`the trajectory breaks ReaRAG's rules: ${problems.join("; ")}`);
  }
}

const WRAPPED_QUESTION = /^Question:[ \t]*([\s\S]*?)\s*\n\nReasoning process with function call:\s*$/;

/** The question inside ReaRAG's construction wrapper (`Question: …\n\nReasoning process with function call:`), or the text as is. */
export function bareQuestion(userContent: string): string {
  return WRAPPED_QUESTION.exec(userContent)?.[1] ?? userContent;
}

/**
 * Parse one assistant turn, `Thought N: …\nAction N: \n` + a ``` block holding a Python dict
 * `{'function': 'search'|'finish', 'parameters': {...}}`. Throws an Error saying what is wrong.
 */
export function parseReaRagStep(reasoning: string): Omit<ReaRagStep, "reasoning" | "observation"> {
  const head = /^\s*Thought[ \t]+(\d+)[ \t]*:[ \t]*/.exec(reasoning);
  if (!head) throw new Error('it does not start with "Thought N:"');
  const actionLine = /\n[ \t]*Action[ \t]+(\d+)[ \t]*:[ \t]*/.exec(reasoning.slice(head[0].length));
  if (!actionLine) throw new Error('it has no "Action N:" line after the thought');
  const number = Number(head[1]);
  if (Number(actionLine[1]) !== number) {
    throw new Error(`"Thought ${head[1]}" is followed by "Action ${actionLine[1]}"`);
  }
  const thought = reasoning.slice(head[0].length, head[0].length + actionLine.index).trim();
  const rest = reasoning.slice(head[0].length + actionLine.index + actionLine[0].length);
  const block = /^\n?[ \t]*```[A-Za-z]*[ \t]*\n([\s\S]*?)\n?[ \t]*```/.exec(rest);
  if (!block) throw new Error("the action is not in a ``` block");
  if (rest.slice(block[0].length).trim()) {
    throw new Error("text follows the action block (a turn holds exactly one Thought and one Action)");
  }
  return { number, thought, action: parseAction(block[1] as string) };
}

function parseAction(text: string): ReaRagAction {
  let value: unknown;
  try {
    value = parsePythonLiteral(text);
  } catch (err) {
    throw new Error(`the action is not a Python dict literal (${(err as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error("the action is not a dict");
  }
  const { function: fn, parameters } = value as Record<string, unknown>;
  if (fn !== "search" && fn !== "finish") {
    throw new Error(`the action's 'function' is ${JSON.stringify(fn)}, not 'search' or 'finish'`);
  }
  const key = fn === "search" ? "query" : "answer";
  const arg =
    typeof parameters === "object" && parameters !== null
      ? (parameters as Record<string, unknown>)[key]
      : undefined;
  if (typeof arg !== "string" || !arg.trim()) {
    throw new Error(`the ${fn} action needs a non-empty string 'parameters': {'${key}': ...}`);
  }
  return fn === "search" ? { function: "search", query: arg } : { function: "finish", answer: arg };
}

/** Stands in for an unreadable step so the numbering of later steps is still checked against its position. */
function placeholder(number: number): ReaRagStep {
  return { number, reasoning: "", thought: "", action: { function: "search", query: "" } };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "string" ? "a string" : `a ${typeof value}`;
}

/**
 * Read a ReaRAG-20k `messages` list and check the rules of ReaRAG's cleaning script: the first
 * message is the user's; every assistant step is followed by an observation unless it is the last
 * message; an observation only follows a search; thought numbers run 1, 2, 3… without gaps; the
 * last message is an assistant finish. Throws TrajectoryError listing every broken rule.
 */
export function parseReaRagTrajectory(
  messages: unknown,
  options: ParseTrajectoryOptions = {},
): ReaRagTrajectory {
  if (!Array.isArray(messages)) {
    throw new TrajectoryError([
      `messages must be a list of {role, content|reasoning} objects, got ${describe(messages)}`,
    ]);
  }
  const problems: string[] = [];
  const at = (i: number) => `message ${i + 1}`;
  let start = 0;
  let system: string | undefined;
  const first = messages[0] as { role?: unknown; content?: unknown } | undefined;
  if (options.allowSystem && first?.role === "system") {
    if (typeof first.content !== "string") problems.push(`${at(0)} (system) needs a string "content"`);
    else system = first.content;
    start = 1;
  }

  const question = messages[start] as { role?: unknown; content?: unknown } | undefined;
  let user = "";
  if (question?.role !== "user") {
    problems.push(
      `${at(start)} must be the user's question (role "user"), got ${question === undefined ? "nothing" : `role ${JSON.stringify(question?.role)}`}`,
    );
  } else if (typeof question.content !== "string") {
    problems.push(`${at(start)} (user) needs a string "content", got ${describe(question.content)}`);
  } else {
    user = question.content;
  }

  const steps: ReaRagStep[] = [];
  // The message before the current one, as the rules need it.
  let previous: "question" | "search" | "finish" | "observation" | "other" = "question";
  for (let i = start + 1; i < messages.length; i++) {
    const m = messages[i] as Record<string, unknown> | null;
    const role = typeof m === "object" && m !== null ? m.role : undefined;
    if (role === "assistant") {
      const reasoning = m?.reasoning;
      if (previous === "search") {
        problems.push(
          `${at(i)}: step ${steps.length} searched but is followed by another assistant step, not an observation`,
        );
      } else if (previous === "finish") {
        problems.push(`${at(i)}: step ${steps.length} finished but more steps follow`);
      }
      if (typeof reasoning !== "string") {
        const hint =
          typeof m?.content === "string" ? ' (ReaRAG keeps the step in "reasoning", not "content")' : "";
        problems.push(`${at(i)} (assistant) needs a string "reasoning"${hint}`);
        // Counted as a step all the same, so the numbers after it are not reported too.
        steps.push(placeholder(steps.length + 1));
        previous = "other";
        continue;
      }
      let parsed: Omit<ReaRagStep, "reasoning" | "observation">;
      try {
        parsed = parseReaRagStep(reasoning);
      } catch (err) {
        problems.push(`${at(i)} (assistant step ${steps.length + 1}): ${(err as Error).message}`);
        previous = "other";
        steps.push(placeholder(steps.length + 1));
        continue;
      }
      if (parsed.number !== steps.length + 1) {
        problems.push(
          `${at(i)} is "Thought ${parsed.number}" where step ${steps.length + 1} was expected (numbers run 1, 2, 3… without gaps)`,
        );
      }
      steps.push({ ...parsed, number: steps.length + 1, reasoning });
      previous = parsed.action.function;
    } else if (role === "observation") {
      if (previous !== "search") {
        const after =
          previous === "finish"
            ? "a finish action"
            : previous === "question"
              ? "the question"
              : previous === "observation"
                ? "another observation"
                : "a message that is not a search step";
        problems.push(`${at(i)} is an observation after ${after}; observations only follow a search`);
      }
      if (typeof m?.content !== "string") {
        problems.push(`${at(i)} (observation) needs a string "content", got ${describe(m?.content)}`);
      } else if (previous === "search") {
        const step = steps[steps.length - 1] as ReaRagStep;
        step.observation = m.content;
      }
      previous = "observation";
    } else {
      problems.push(
        `${at(i)} has role ${JSON.stringify(role)}; after the question a ReaRAG row holds only "assistant" steps and "observation"s`,
      );
      previous = "other";
    }
  }
  if (previous !== "finish" && messages.length > start) {
    const last = messages.length - 1;
    problems.push(
      previous === "search"
        ? `the last message (${last + 1}) is a search step; a trajectory ends with an assistant finish action`
        : `the last message (${last + 1}) is not an assistant finish action; a trajectory ends with one`,
    );
  }
  if (options.maxSteps !== undefined && steps.length > options.maxSteps) {
    problems.push(`${steps.length} steps, more than maxSteps (${options.maxSteps})`);
  }
  if (problems.length) throw new TrajectoryError(problems);
  return { ...(system === undefined ? {} : { system }), user, steps };
}
