import type { LLMError } from "@dataflow/core";
import {
  type EmbedTransportResult,
  ServingBase,
  type ServingBaseOptions,
  type TransportRequest,
  type TransportResult,
} from "../serving/serving-base.js";
import { OpenAITransport } from "./openai-transport.js";

export interface OpenAIServingOptions extends ServingBaseOptions {
  baseURL: string;
  apiKey: string;
}

/**
 * Chat completions and embeddings through the `openai` SDK, against OpenAI or any
 * OpenAI-compatible server (vLLM, SGLang, Ollama, llama.cpp, LM Studio): an OpenAITransport
 * with the shared layers of ServingBase around it.
 */
export class OpenAIServing extends ServingBase {
  private readonly wire: OpenAITransport;

  constructor(options: OpenAIServingOptions) {
    super({ ...options, secrets: [...(options.secrets ?? []), options.apiKey] });
    this.wire = new OpenAITransport({ ...options, embeddingDimensions: this.embeddingDimensions });
  }

  protected transport(request: TransportRequest, signal: AbortSignal): Promise<TransportResult> {
    return this.wire.chat(request, signal);
  }

  protected override embedTransport(
    model: string,
    texts: readonly string[],
    signal: AbortSignal,
  ): Promise<EmbedTransportResult> {
    return this.wire.embed(model, texts, signal);
  }

  protected toLLMError(err: unknown): LLMError {
    return this.wire.toLLMError(err);
  }
}
