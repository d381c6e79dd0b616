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
  /**
   * With several endpoints (`endpoints`), each one's URL and key, in the same order; `baseURL`
   * and `apiKey` are then the first one's.
   */
  endpointKeys?: readonly { baseURL: string; apiKey: string }[];
}

/**
 * `generateText` and `embedMany` of the Vercel AI SDK against an OpenAI-compatible endpoint: an
 * AiSdkTransport with the shared layers of ServingBase around it. Same config surface and
 * behaviour as the `openai` serving.
 */
export class AiSdkServing extends ServingBase {
  /** One per endpoint, in the config's order. */
  private readonly wires: AiSdkTransport[];

  constructor(options: AiSdkServingOptions) {
    const keys = (options.endpointKeys ?? []).map((e) => e.apiKey);
    super({ ...options, secrets: [...(options.secrets ?? []), options.apiKey, ...keys] });
    const dimensions = this.embeddingDimensions;
    const at = options.endpointKeys ?? [{ baseURL: options.baseURL, apiKey: options.apiKey }];
    this.wires = at.map((e) => new AiSdkTransport({ ...options, ...e, embeddingDimensions: dimensions }));
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

  protected toLLMError(err: unknown): LLMError {
    return this.wireAt(0).toLLMError(err);
  }

  private wireAt(endpoint: number): AiSdkTransport {
    const wire = this.wires[endpoint];
    if (!wire) throw new RangeError(`serving "${this.name}" has no endpoint #${endpoint}`);
    return wire;
  }
}
