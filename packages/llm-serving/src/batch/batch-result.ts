import { LLMError } from "@dataflow/core";
import { statusError } from "../serving/llm-errors.js";
import type { TransportResult } from "../serving/transport.js";

/**
 * What became of one request of a batch: an answer, a per-request error (retried or not as a
 * synchronous one would be), or not run at all (its batch expired, failed or was cancelled first).
 */
export type LineOutcome =
  | { kind: "answer"; result: TransportResult }
  | { kind: "error"; error: LLMError }
  | { kind: "unfinished"; reason: string };

/** Error codes of lines a batch never ran. */
const NOT_RUN = new Set(["batch_expired", "batch_cancelled", "batch_failed"]);

/** Each custom_id's outcome in an output or error file (JSONL); lines that are not JSON are skipped. */
export function readResultFile(text: string, into: Map<string, LineOutcome>): void {
  for (const raw of text.split("\n")) {
    if (!raw.trim()) continue;
    let line: unknown;
    try {
      line = JSON.parse(raw);
    } catch {
      continue;
    }
    if (!isRecord(line) || typeof line.custom_id !== "string") continue;
    into.set(line.custom_id, lineOutcome(line));
  }
}

function lineOutcome(line: Record<string, unknown>): LineOutcome {
  const response = isRecord(line.response) ? line.response : undefined;
  const status = typeof response?.status_code === "number" ? response.status_code : undefined;
  if (response && status === 200) return answerOf(response.body);
  if (response && status !== undefined) {
    return { kind: "error", error: statusError(status, errorMessage(response.body) ?? `HTTP ${status}`) };
  }
  const error = isRecord(line.error) ? line.error : {};
  const code = typeof error.code === "string" ? error.code : "unknown";
  const message = typeof error.message === "string" ? error.message : "no message";
  if (NOT_RUN.has(code)) return { kind: "unfinished", reason: `${code}: ${message}` };
  return { kind: "error", error: new LLMError("transport", `the batch line failed (${code}): ${message}`) };
}

/** A chat.completion body as the synchronous openai transport reads it. */
function answerOf(body: unknown): LineOutcome {
  const choice = isRecord(body) && Array.isArray(body.choices) ? body.choices[0] : undefined;
  const message = isRecord(choice) && isRecord(choice.message) ? choice.message : undefined;
  if (!isRecord(body) || !message) {
    return { kind: "error", error: new LLMError("transport", "the batch answer has no choices[0].message") };
  }
  const text = [message.content, message.refusal].find((t): t is string => typeof t === "string") ?? "";
  // vLLM and DeepSeek send reasoning_content; some servers send reasoning.
  const reasoning = [message.reasoning_content, message.reasoning].find(
    (r): r is string => typeof r === "string" && r.length > 0,
  );
  const usage = isRecord(body.usage) ? body.usage : undefined;
  const result: TransportResult = {
    text,
    ...(reasoning !== undefined ? { reasoningContent: reasoning } : {}),
    ...(usage
      ? {
          usage: {
            promptTokens: numberOr0(usage.prompt_tokens),
            completionTokens: numberOr0(usage.completion_tokens),
          },
        }
      : {}),
    ...(typeof body.model === "string" && body.model ? { model: body.model } : {}),
  };
  return { kind: "answer", result };
}

function errorMessage(body: unknown): string | undefined {
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  return typeof error?.message === "string" ? error.message : undefined;
}

function numberOr0(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
