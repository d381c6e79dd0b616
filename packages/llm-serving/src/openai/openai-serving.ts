import { EndpointServing, type EndpointServingOptions } from "../serving/endpoint-serving.js";
import { OpenAITransport } from "./openai-transport.js";

export type OpenAIServingOptions = EndpointServingOptions;

/**
 * Chat completions and embeddings through the `openai` SDK, against OpenAI or any
 * OpenAI-compatible server (vLLM, SGLang, Ollama, llama.cpp, LM Studio): an OpenAITransport per
 * endpoint with the shared layers of ServingBase around it.
 */
export class OpenAIServing extends EndpointServing<OpenAITransport> {
  constructor(options: OpenAIServingOptions) {
    super(
      options,
      (at, embeddingDimensions) => new OpenAITransport({ ...options, ...at, embeddingDimensions }),
    );
  }

  protected override sendsExtraBody(): boolean {
    return true;
  }
}
