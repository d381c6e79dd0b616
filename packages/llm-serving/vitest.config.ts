import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

// The AI SDK and eventsource-parser also publish a "source" export condition
// (raw .ts) that the shared config selects; inlined, vite compiles them instead
// of Node failing on ".ts" when loading them as externals.
export default mergeConfig(
  shared,
  defineConfig({ test: { server: { deps: { inline: ["ai", /@ai-sdk\//, "eventsource-parser"] } } } }),
);
