import { type OpenAIProvider, createOpenAI } from "@ai-sdk/openai";
import type { JSONSchema, LLMError } from "@dataflow/core";
import {
  type LanguageModel,
  type ModelMessage,
  Output,
  type OutputInterface,
  generateText,
  jsonSchema,
} from "ai";
import {
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
 * Same config surface and behaviour as the `openai` serving.
 */
export class AiSdkServing extends ServingBase {
  private readonly languageModel: LanguageModel;

  constructor(options: AiSdkServingOptions) {
    super({ ...options, secrets: [...(options.secrets ?? []), options.apiKey] });
    const provider: OpenAIProvider = createOpenAI({ baseURL: options.baseURL, apiKey: options.apiKey });
    this.languageModel = provider.chat(options.model);
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
