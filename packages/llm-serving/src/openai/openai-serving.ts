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
  /**
   * With several endpoints (`endpoints`), each one's URL and key, in the same order; `baseURL`
   * and `apiKey` are then the first one's.
   */
  endpointKeys?: readonly { baseURL: string; apiKey: string }[];
}

/**
 * Chat completions and embeddings through the `openai` SDK, against OpenAI or any
 * OpenAI-compatible server (vLLM, SGLang, Ollama, llama.cpp, LM Studio): an OpenAITransport
 * with the shared layers of ServingBase around it.
 */
export class OpenAIServing extends ServingBase {
  /** One per endpoint, in the config's order. */
  private readonly wires: OpenAITransport[];

  constructor(options: OpenAIServingOptions) {
    const keys = (options.endpointKeys ?? []).map((e) => e.apiKey);
    super({ ...options, secrets: [...(options.secrets ?? []), options.apiKey, ...keys] });
    const dimensions = this.embeddingDimensions;
    const at = options.endpointKeys ?? [{ baseURL: options.baseURL, apiKey: options.apiKey }];
    this.wires = at.map((e) => new OpenAITransport({ ...options, ...e, embeddingDimensions: dimensions }));
  }

  protected transport(
    request: TransportRequest,
    signal: AbortSignal,
    endpoint = 0,
  ): Promise<TransportResult> {
    return this.wireAt(endpoint).chat(request, signal);
  }

  protected override embedTransport(
    model: string,
    texts: readonly string[],
    signal: AbortSignal,
    endpoint = 0,
  ): Promise<EmbedTransportResult> {
    return this.wireAt(endpoint).embed(model, texts, signal);
  }

  protected override sendsExtraBody(): boolean {
    return true;
  }

  protected toLLMError(err: unknown): LLMError {
    return this.wireAt(0).toLLMError(err);
  }

  private wireAt(endpoint: number): OpenAITransport {
    const wire = this.wires[endpoint];
    if (!wire) throw new RangeError(`serving "${this.name}" has no endpoint #${endpoint}`);
    return wire;
  }
}
