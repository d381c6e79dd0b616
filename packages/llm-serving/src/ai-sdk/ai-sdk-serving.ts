import { EndpointServing, type EndpointServingOptions } from "../serving/endpoint-serving.js";
import { AiSdkTransport } from "./ai-sdk-transport.js";

export type AiSdkServingOptions = EndpointServingOptions;

/**
 * `generateText` and `embedMany` of the Vercel AI SDK against an OpenAI-compatible endpoint: an
 * AiSdkTransport per endpoint with the shared layers of ServingBase around it. Same config surface
 * and behaviour as the `openai` serving.
 */
export class AiSdkServing extends EndpointServing<AiSdkTransport> {
  constructor(options: AiSdkServingOptions) {
    super(
      options,
      (at, embeddingDimensions) => new AiSdkTransport({ ...options, ...at, embeddingDimensions }),
    );
  }
}
