import type { TransportRequest } from "../serving/transport.js";

/** A small chat request for transport tests; `over` replaces any field. */
export function transportRequest(over: Partial<TransportRequest> = {}): TransportRequest {
  return {
    model: "tiny",
    messages: [{ role: "user", content: "hi" }],
    settings: { temperature: 0.5, maxTokens: 8, stop: [] },
    ...over,
  };
}
