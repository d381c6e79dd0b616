export { estimateTokens } from "./chat-completion.js";
export * from "./chat-server.js";
export type {
  EmbeddingFaultRule,
  EmbeddingRequestInfo,
  EmbeddingScriptOptions,
} from "./embedding-script.js";
export { hashEmbedding } from "./hash-embedding.js";
export * from "./loopback-serving.js";
export * from "./reply-script.js";
