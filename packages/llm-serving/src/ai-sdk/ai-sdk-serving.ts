import { createOpenAI, type OpenAIProvider } from "@ai-sdk/openai";
import { type JSONSchema, LLMError } from "@dataflow/core";
import {
  APICallError,
  embedMany,
  generateText,
  jsonSchema,
  type LanguageModel,
  type ModelMessage,
  Output,
  type OutputInterface,
  TypeValidationError,
} from "ai";
import {
  type EmbedTransportResult,
  ServingBase,
  type ServingBaseOptions,
  type TransportRequest,
  type TransportResult,
} from "../serving/serving-base.js";
import { aiSdkError } from "./ai-sdk-errors.js";

export interface AiSdkServingOptions extends ServingBaseOptions {
  baseURL: string;
  apiKey: string;
}

/**
 * `generateText` of the Vercel AI SDK with the chat-completions model of
 * `@ai-sdk/openai` (`provider.chat(model)`): local servers speak
 * /chat/completions, not the Responses API that `provider(model)` targets.
 * Embeddings go through `embedMany` with the provider's embedding model (`/embeddings`).
 * Same config surface and behaviour as the `openai` serving.
 */
export class AiSdkServing extends ServingBase {
  private readonly provider: OpenAIProvider;
  private readonly languageModel: LanguageModel;

  constructor(options: AiSdkServingOptions) {
    super({ ...options, secrets: [...(options.secrets ?? []), options.apiKey] });
    this.provider = createOpenAI({ baseURL: options.baseURL, apiKey: options.apiKey });
    this.languageModel = this.provider.chat(options.model);
  }

  protected async transport(request: TransportRequest, signal: AbortSignal): Promise<TransportResult> {
    const s = request.settings;
    const result = await generateText({
      model: this.languageModel,
      messages: request.messages.map((m): ModelMessage => ({ role: m.role, content: m.content })),
      // Our messages come from the pipeline file, not from end users.
      allowSystemInMessages: true,
      maxRetries: 0,
      abortSignal: signal,
      ...(s.temperature !== undefined ? { temperature: s.temperature } : {}),
      ...(s.topP !== undefined ? { topP: s.topP } : {}),
      ...(s.maxTokens !== undefined ? { maxOutputTokens: s.maxTokens } : {}),
      ...(s.seed !== undefined ? { seed: s.seed } : {}),
      ...(s.stop !== undefined && s.stop.length > 0 ? { stopSequences: s.stop } : {}),
      ...(request.responseFormat
        ? {
            output: rawJsonOutput(request.responseFormat.name, request.responseFormat.schema),
            // strict: false, as the openai serving sends: strict mode rejects common schemas.
            providerOptions: { openai: { strictJsonSchema: false } },
          }
        : {}),
    });
    const body = result.response.body as
      | { choices?: { message?: { reasoning_content?: unknown; reasoning?: unknown } }[] }
      | undefined;
    const message = body?.choices?.[0]?.message;
    // The chat model of @ai-sdk/openai drops reasoning_content; the raw body still has it.
    const reasoning = [message?.reasoning_content, message?.reasoning, result.reasoningText].find(
      (r): r is string => typeof r === "string" && r.length > 0,
    );
    return {
      text: result.text,
      ...(reasoning !== undefined ? { reasoningContent: reasoning } : {}),
      usage: {
        promptTokens: result.usage.inputTokens ?? 0,
        completionTokens: result.usage.outputTokens ?? 0,
      },
      ...(result.response.modelId ? { model: result.response.modelId } : {}),
    };
  }

  protected override async embedTransport(
    model: string,
    texts: readonly string[],
    signal: AbortSignal,
  ): Promise<EmbedTransportResult> {
    const dimensions = this.embeddingDimensions;
    let result: Awaited<ReturnType<typeof embedMany>>;
    try {
      result = await embedMany({
        model: this.provider.embedding(model),
        values: [...texts],
        // ServingBase owns retries and batching: one call, one request.
        maxRetries: 0,
        maxParallelCalls: 1,
        abortSignal: signal,
        ...(dimensions !== undefined ? { providerOptions: { openai: { dimensions } } } : {}),
      });
    } catch (err) {
      // A well-formed response whose vectors fail the provider's schema (a null for a NaN): bad output, not a torn body.
      if (APICallError.isInstance(err) && TypeValidationError.isInstance(err.cause)) {
        const status = err.statusCode;
        if (status === undefined || (status >= 200 && status < 300)) {
          const detail = err.cause.message.slice(0, 300);
          throw new LLMError(
            "bad-output",
            `the embeddings answer is not a list of numeric vectors: ${detail}`,
            {
              cause: err,
            },
          );
        }
      }
      throw err;
    }
    const body = result.responses?.[0]?.body as { model?: unknown } | undefined;
    const tokens = result.usage.tokens;
    return {
      vectors: result.embeddings,
      // No usage in the answer is NaN here.
      ...(Number.isFinite(tokens) ? { promptTokens: tokens } : {}),
      ...(typeof body?.model === "string" && body.model ? { model: body.model } : {}),
    };
  }

  protected toLLMError(err: unknown): LLMError {
    return aiSdkError(err);
  }
}

/**
 * `Output.object` with a JSON Schema: it makes the provider send
 * `response_format: { type: "json_schema", … }`. Its parsing is replaced by
 * the identity, because ServingBase extracts and validates the JSON itself —
 * from fenced or chatty answers and past `<think>` blocks too, which
 * `Output.object`'s plain JSON.parse rejects.
 */
function rawJsonOutput(name: string, schema: JSONSchema): OutputInterface<string, string, never> {
  const object = Output.object({ schema: jsonSchema(schema as Parameters<typeof jsonSchema>[0]), name });
  return {
    ...object,
    parseCompleteOutput: async ({ text }) => text,
    parsePartialOutput: async ({ text }) => ({ partial: text }),
  };
}
