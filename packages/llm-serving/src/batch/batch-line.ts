import { chatBody } from "../openai/openai-transport.js";
import type { TransportRequest } from "../serving/transport.js";
import { customId } from "./custom-id.js";

/** The chat-completions endpoint every batch line and batch names. */
export const BATCH_ENDPOINT = "/v1/chat/completions";

/** One request as a line of a batch input file. */
export interface BatchLine {
  customId: string;
  /** The JSONL line, without its newline. */
  text: string;
  /** Its size in the file, newline included. */
  bytes: number;
}

/** The request as the body a synchronous call would send, wrapped as a batch line. */
export function batchLine(request: TransportRequest): BatchLine {
  const body = chatBody(request) as unknown as Record<string, unknown>;
  const id = customId(body);
  const text = JSON.stringify({ custom_id: id, method: "POST", url: BATCH_ENDPOINT, body });
  return { customId: id, text, bytes: Buffer.byteLength(text) + 1 };
}
