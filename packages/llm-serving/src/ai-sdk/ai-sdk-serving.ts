import type { LLMError } from "@dataflow/core";
import {
  type EmbedTransportResult,
  ServingBase,
  type ServingBaseOptions,
  type TransportRequest,
  type TransportResult,
} from "../serving/serving-base.js";
import { AiSdkTransport } from "./ai-sdk-transport.js";

export interface AiSdkServingOptions extends ServingBaseOptions {
  baseURL: string;
  apiKey: string;
}

/**
 * `generateText` and `embedMany` of the Vercel AI SDK against an OpenAI-compatible endpoint: an
 * AiSdkTransport with the shared layers of ServingBase around it. Same config surface and
 * behaviour as the `openai` serving.
 */
export class AiSdkServing extends ServingBase {
  private readonly wire: AiSdkTransport;

  constructor(options: AiSdkServingOptions) {
    super({ ...options, secrets: [...(options.secrets ?? []), options.apiKey] });
    this.wire = new AiSdkTransport({ ...options, embeddingDimensions: this.embeddingDimensions });
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
