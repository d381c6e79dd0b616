import { defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript sources through the "source"
// export condition, so tests never need a prior build.
export default defineConfig({
  resolve: { conditions: ["@dataflow/source", "import", "node", "default"] },
  ssr: { resolve: { conditions: ["@dataflow/source", "import", "node", "default"] } },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
