export { estimateTokens } from "./chat-completion.js";
export * from "./chat-server.js";
export * from "./reply-script.js";
export * from "./seeded-random.js";
