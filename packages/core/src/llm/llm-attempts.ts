import type { JSONSchema } from "../contracts/json-schema.js";
import { type ChatMessage, type GenerationSettings, LLMError, type LLMResult } from "../contracts/llm-serving.js";
import type { OperatorContext } from "../contracts/operator.js";

export interface AttemptsOptions<T> {
  /** The messages of the first attempt. */
  messages: ChatMessage[];
  settings: GenerationSettings;
  schema?: JSONSchema;
  schemaName?: string;
  maxAttempts: number;
  /**
   * The message added to a retry after `reason` made the previous answer unusable. It also changes
   * the request, so a retry never gets the previous answer back from the response cache.
   */
  retryNote(reason: string): string;
  /** Turns a result into the row's value; throw `unusable(...)` to ask again. */
  accept(result: LLMResult): T;
}

/**
 * Asks the step's serving until `accept` takes an answer, at most `maxAttempts` calls. Only bad
 * output is asked again (the serving already retried rate limits, timeouts and transport errors);
 * other failures propagate at once. The last bad-output error, raw output included, is thrown
 * when every attempt failed, so the row is rejected rather than carried on empty.
 */
export async function generateWithAttempts<T>(
  ctx: OperatorContext<unknown>,
  o: AttemptsOptions<T>,
): Promise<T> {
  const serving = ctx.serving;
  if (!serving) throw new Error(`step "${ctx.stepId}" has no serving`);
  let messages = o.messages;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await serving.generate(
        { messages, settings: o.settings },
        {
          signal: ctx.signal,
          tag: ctx.stepId,
          ...(o.schema ? { schema: o.schema } : {}),
          ...(o.schemaName ? { schemaName: o.schemaName } : {}),
        },
      );
      return o.accept(result);
    } catch (err) {
      if (!(err instanceof LLMError) || err.kind !== "bad-output") throw err;
      if (attempt >= o.maxAttempts) {
        const tried = o.maxAttempts === 1 ? "1 attempt" : `${o.maxAttempts} attempts`;
        throw new LLMError("bad-output", `${err.message} (after ${tried})`, {
          ...(err.raw !== undefined ? { raw: err.raw } : {}),
          cause: err,
        });
      }
      ctx.count("bad_output_retries", 1);
      messages = [...o.messages, { role: "user", content: o.retryNote(shorten(err.message, 400)) }];
    }
  }
}

/** A bad-output error for an answer that parsed but cannot be used; keeps the raw output. */
export function unusable(message: string, result: LLMResult): LLMError {
  return new LLMError("bad-output", message, { raw: rawOutput(result) });
}

/** The model's output as the rejects file should show it: reasoning first, then the answer. */
export function rawOutput(result: LLMResult): string {
  return result.reasoning ? `<think>\n${result.reasoning}\n</think>\n${result.text}` : result.text;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
