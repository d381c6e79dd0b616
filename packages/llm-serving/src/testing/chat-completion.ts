import type { ReplySpec } from "./reply-script.js";

/** The test server's token count: deterministic and close enough to real tokenizers for accounting tests. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** An OpenAI-compatible `chat.completion` object for one scripted reply. */
export function completionBody(args: {
  id: string;
  model: string;
  prompt: string;
  spec: ReplySpec;
}): Record<string, unknown> {
  const content = args.spec.content ?? "";
  const reasoning = args.spec.reasoningContent;
  const promptTokens = args.spec.usage?.promptTokens ?? estimateTokens(args.prompt);
  const completionTokens = args.spec.usage?.completionTokens ?? estimateTokens(content + (reasoning ?? ""));
  const message: Record<string, unknown> = { role: "assistant", content };
  if (reasoning !== undefined) message.reasoning_content = reasoning;
  return {
    id: args.id,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: args.spec.model ?? args.model,
    choices: [{ index: 0, message, finish_reason: args.spec.finishReason ?? "stop", logprobs: null }],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  };
}

/** The `{ error: { … } }` body OpenAI-compatible servers send with an error status. */
export function errorBody(status: number, message: string): Record<string, unknown> {
  const [type, code] =
    status === 429
      ? ["rate_limit_error", "rate_limit_exceeded"]
      : status >= 500
        ? ["server_error", "server_error"]
        : ["invalid_request_error", null];
  return { error: { message, type, param: null, code } };
}

export function modelsBody(models: readonly string[]): Record<string, unknown> {
  const created = Math.floor(Date.now() / 1000);
  return {
    object: "list",
    data: models.map((id) => ({ id, object: "model", created, owned_by: "dataflow-test" })),
  };
}
