import type { LLMError } from "@dataflow/core";
import { ServingBase, type ServingBaseOptions } from "./serving-base.js";
import type { EmbedTransportResult, Transport, TransportRequest, TransportResult } from "./transport.js";

/** Where one endpoint is and the key it takes. */
export interface EndpointKey {
  baseURL: string;
  apiKey: string;
}

export interface EndpointServingOptions extends ServingBaseOptions, EndpointKey {
  /**
   * With several endpoints (`endpoints`), each one's URL and key, in the same order; `baseURL`
   * and `apiKey` are then the first one's.
   */
  endpointKeys?: readonly EndpointKey[];
}

/** What a serving over HTTP endpoints needs of its transport: chat, embeddings, typed errors. */
export type EndpointWire = Required<Pick<Transport, "chat" | "embed" | "toLLMError">>;

/**
 * A serving over one or more OpenAI-compatible endpoints: one transport (wire) per endpoint, in the
 * config's order, made by `wireFor`, with ServingBase's layers around them. Every key is a secret.
 */
export abstract class EndpointServing<W extends EndpointWire> extends ServingBase {
  private readonly wires: W[];

  constructor(
    options: EndpointServingOptions,
    wireFor: (at: EndpointKey, embeddingDimensions: number | undefined) => W,
  ) {
    const keys = (options.endpointKeys ?? []).map((e) => e.apiKey);
    super({ ...options, secrets: [...(options.secrets ?? []), options.apiKey, ...keys] });
    const dimensions = this.embeddingDimensions;
    const at = options.endpointKeys ?? [{ baseURL: options.baseURL, apiKey: options.apiKey }];
    this.wires = at.map((e) => wireFor(e, dimensions));
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

  private wireAt(endpoint: number): W {
    const wire = this.wires[endpoint];
    if (!wire) throw new RangeError(`serving "${this.name}" has no endpoint #${endpoint}`);
    return wire;
  }
}
