import { createOpenAI, type OpenAIProvider } from "@ai-sdk/openai";
import { type JSONSchema, LLMError } from "@dataflow/core";
import {
  APICallError,
  embedMany,
  generateText,
  InvalidResponseDataError,
  jsonSchema,
  type LanguageModel,
  type ModelMessage,
  Output,
  type OutputInterface,
  TypeValidationError,
} from "ai";
import { cappedFetch, DEFAULT_MAX_ANSWER_BYTES } from "../serving/health/capped-fetch.js";
import type {
  EmbedTransportResult,
  Transport,
  TransportRequest,
  TransportResult,
} from "../serving/transport.js";
import { aiSdkError } from "./ai-sdk-errors.js";

export interface AiSdkTransportOptions {
  baseURL: string;
  apiKey: string;
  model: string;
  /** Sent as the provider's `dimensions` with embeddings requests. */
  embeddingDimensions?: number | undefined;
  /** Bound on one chat answer's body (DEFAULT_MAX_ANSWER_BYTES). */
  maxAnswerBytes?: number | undefined;
}

type GenerateTextOptions = Parameters<typeof generateText>[0];
type SettingName =
  | "temperature"
  | "topP"
  | "maxOutputTokens"
  | "seed"
  | "stopSequences"
  | "output"
  | "providerOptions";

type RawMessage = { content?: unknown; reasoning_content?: unknown; reasoning?: unknown };
type RawBody = { choices?: { message?: RawMessage }[] } | undefined;

/**
 * One `generateText` (or `embedMany`) of the Vercel AI SDK per call, with the chat-completions
 * model of `@ai-sdk/openai` (`provider.chat(model)`): local servers speak /chat/completions, not
 * the Responses API that `provider(model)` targets. The SDK's retries are off.
 */
export class AiSdkTransport implements Transport {
  private readonly provider: OpenAIProvider;
  private readonly languageModel: LanguageModel;

  constructor(private readonly options: AiSdkTransportOptions) {
    this.provider = createOpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey,
      fetch: cappedFetch(options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES),
    });
    this.languageModel = this.provider.chat(options.model);
  }

  async chat(request: TransportRequest, signal: AbortSignal): Promise<TransportResult> {
    const result = await generateText({
      model: this.languageModel,
      messages: request.messages.map((m): ModelMessage => ({ role: m.role, content: m.content })),
      // Our messages come from the pipeline file, not from end users.
      allowSystemInMessages: true,
      maxRetries: 0,
      abortSignal: signal,
      // The raw body keeps what the SDK strips: reasoning_content and inline <think> blocks.
      include: { responseBody: true },
      ...settingsOf(request),
    });
    const step = result.finalStep;
    const message = (step.response.body as RawBody)?.choices?.[0]?.message;
    const reasoning = [message?.reasoning_content, message?.reasoning, step.reasoningText].find(
      (r): r is string => typeof r === "string" && r.length > 0,
    );
    // Structured output is parsed from the text; the serving splits <think> itself.
    const text = typeof message?.content === "string" ? message.content : result.text;
    return {
      text,
      ...(reasoning !== undefined ? { reasoningContent: reasoning } : {}),
      usage: {
        promptTokens: result.usage.inputTokens ?? 0,
        completionTokens: result.usage.outputTokens ?? 0,
      },
      ...(step.response.modelId ? { model: step.response.modelId } : {}),
    };
  }

  async embed(model: string, texts: readonly string[], signal: AbortSignal): Promise<EmbedTransportResult> {
    const dimensions = this.options.embeddingDimensions;
    const result = await embedMany({
      model: this.provider.embedding(model),
      values: [...texts],
      // The serving's layers own retries and batching: one call, one request.
      maxRetries: 0,
      maxParallelCalls: 1,
      abortSignal: signal,
      ...(dimensions !== undefined ? { providerOptions: { openai: { dimensions } } } : {}),
    }).catch(badVectors);
    const body = result.responses?.[0]?.body as { model?: unknown } | undefined;
    const tokens = result.usage.tokens;
    return {
      vectors: result.embeddings,
      // No usage in the answer is NaN here.
      ...(Number.isFinite(tokens) ? { promptTokens: tokens } : {}),
      ...(typeof body?.model === "string" && body.model ? { model: body.model } : {}),
    };
  }

  toLLMError(err: unknown): LLMError {
    return aiSdkError(err);
  }
}

/** The request's settings as `generateText` options, and its schema as structured output. */
function settingsOf(request: TransportRequest): Pick<GenerateTextOptions, SettingName> {
  const s = request.settings;
  const format = request.responseFormat;
  return {
    ...(s.temperature !== undefined ? { temperature: s.temperature } : {}),
    ...(s.topP !== undefined ? { topP: s.topP } : {}),
    ...(s.maxTokens !== undefined ? { maxOutputTokens: s.maxTokens } : {}),
    ...(s.seed !== undefined ? { seed: s.seed } : {}),
    ...(s.stop !== undefined && s.stop.length > 0 ? { stopSequences: s.stop } : {}),
    ...(format
      ? {
          output: rawJsonOutput(format.name, format.schema),
          // strict: false, as the openai serving sends: strict mode rejects common schemas.
          providerOptions: { openai: { strictJsonSchema: false } },
        }
      : {}),
  };
}

/** A well-formed response whose vectors fail the provider's schema (a null for a NaN): bad output, not a torn body. */
function badVectors(err: unknown): never {
  // ai 7 checks the count itself; report it as the serving does for every transport.
  const count = InvalidResponseDataError.isInstance(err)
    ? /Expected (\d+) embeddings, but received (\d+)/.exec(err.message)
    : null;
  if (count) {
    throw new LLMError("bad-output", `the embeddings answer has ${count[2]} vectors for ${count[1]} texts`, {
      cause: err,
    });
  }
  if (APICallError.isInstance(err) && TypeValidationError.isInstance(err.cause)) {
    const status = err.statusCode;
    if (status === undefined || (status >= 200 && status < 300)) {
      const detail = err.cause.message.slice(0, 300);
      throw new LLMError("bad-output", `the embeddings answer is not a list of numeric vectors: ${detail}`, {
        cause: err,
      });
    }
  }
  throw err;
}

/**
 * `Output.object` with a JSON Schema: it makes the provider send
 * `response_format: { type: "json_schema", … }`. Its parsing is replaced by
 * the identity, because the serving's output layer extracts and validates the JSON itself —
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
