import type { ChatMessage } from "@dataflow/core";
import type { ChatHistoryItem } from "node-llama-cpp";

/**
 * Chat messages as node-llama-cpp's chat history, ending with the model's turn to answer: an
 * empty one, or the last assistant message, which the model then continues (a prefill).
 */
export function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m): ChatHistoryItem => {
    if (m.role === "system") return { type: "system", text: m.content };
    if (m.role === "user") return { type: "user", text: m.content };
    return { type: "model", response: [m.content] };
  });
  if (history.at(-1)?.type !== "model") history.push({ type: "model", response: [] });
  return history;
}
