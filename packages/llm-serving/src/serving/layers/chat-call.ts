import type { ChatMessage, GenerationSettings, JSONSchema, LLMResult } from "@dataflow/core";
import type { TransportResult } from "../transport.js";

/** A chat request as the layers above the transport see it: what was asked, not yet how. */
export interface ChatCall {
  messages: ChatMessage[];
  /** The serving's defaults overlaid with the request's own. */
  settings: GenerationSettings;
  schema?: JSONSchema | undefined;
  /** The name sent with a `response_format`. */
  schemaName?: string | undefined;
  /** Server-specific fields sent as they are (the serving's `extraBody`); part of the cache key. */
  extraBody?: Record<string, unknown> | undefined;
}

/** A finished answer, with the raw one it came from (what the response cache stores). */
export interface Answered {
  result: LLMResult;
  raw: TransportResult;
}
