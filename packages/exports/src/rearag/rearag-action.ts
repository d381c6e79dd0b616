import { pythonRepr } from "./python-repr.js";
import type { ActionStyle, ReaRagAction } from "./rearag-types.js";

/** Why a value is not a ReaRAG action dict. */
export type ActionProblemCode = "bad-action-dict" | "unknown-function" | "bad-parameters";

export type ActionRead =
  | { ok: true; action: ReaRagAction }
  | { ok: false; code: ActionProblemCode; message: string };

/** The action as ReaRAG's dict: `{'function': 'search', 'parameters': {'query': '...'}}`. */
export function renderAction(action: ReaRagAction, style: ActionStyle = "python"): string {
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

/**
 * Checks a parsed action dict: `function` is search or finish, with a non-empty string `query` or
 * `answer` in `parameters`; other keys are ignored. `trim` trims that string (a model's reply);
 * without it the string is kept as written (stored data).
 */
export function toReaRagAction(value: unknown, options: { trim?: boolean } = {}): ActionRead {
  if (!isDict(value)) return { ok: false, code: "bad-action-dict", message: "the action is not a dict" };
  const fn = value.function;
  if (fn !== "search" && fn !== "finish") {
    return {
      ok: false,
      code: "unknown-function",
      message: `the action's "function" must be "search" or "finish", got ${typeof fn === "string" ? JSON.stringify(fn) : "none"}`,
    };
  }
  const key = fn === "search" ? "query" : "answer";
  const parameters = value.parameters;
  const arg = isDict(parameters) ? parameters[key] : undefined;
  if (typeof arg !== "string" || !arg.trim()) {
    return {
      ok: false,
      code: "bad-parameters",
      message: `${fn} needs "parameters": {"${key}": "<non-empty text>"}`,
    };
  }
  const text = options.trim ? arg.trim() : arg;
  return {
    ok: true,
    action: fn === "search" ? { type: "search", query: text } : { type: "finish", answer: text },
  };
}

function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
