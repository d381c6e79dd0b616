import type { OpenAIServing } from "@dataflow/llm-serving";
import {
  type ChatServer,
  type ChatServerOptions,
  openAITestServing,
  startChatServer,
} from "@dataflow/llm-serving/testing";

/** The loopback server and the real OpenAI servings that tests embed through. */
export interface EmbeddingFixture {
  server: ChatServer;
  /** A fresh serving against the server, with an on-disk response cache when given a directory. */
  serving(options?: { cacheDir?: string; name?: string }): OpenAIServing;
  /** The texts of each embeddings request, in arrival order. */
  embedded(): string[][];
  close(): Promise<void>;
}

export async function startEmbeddingServer(options: ChatServerOptions = {}): Promise<EmbeddingFixture> {
  const server = await startChatServer(options);
  const servings: OpenAIServing[] = [];
  return {
    server,
    serving: ({ cacheDir, name } = {}) => {
      const serving = openAITestServing(server, {
        name: name ?? "embedder",
        model: "test-embedder",
        ...(cacheDir ? { cacheDir } : {}),
      });
      servings.push(serving);
      return serving;
    },
    embedded: () =>
      server.requests
        .filter((r) => r.path.endsWith("/embeddings"))
        .map((r) => {
          const input = (r.body as { input?: string | string[] }).input ?? [];
          return typeof input === "string" ? [input] : input;
        }),
    close: async () => {
      for (const s of servings) await s.close();
      await server.close();
    },
  };
}
