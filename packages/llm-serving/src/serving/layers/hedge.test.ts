import { afterEach, describe, expect, it } from "vitest";
import { createServing } from "../../create-serving.js";
import {
  type ChatServer,
  type ChatServerOptions,
  chatRequests,
  startChatServer,
} from "../../testing/index.js";

const servers: ChatServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup(options: ChatServerOptions, hedge: unknown = {}) {
  const server = await startChatServer(options);
  servers.push(server);
  const serving = createServing(
    "teacher",
    {
      type: "openai",
      model: "test-model",
      baseURL: server.url,
      apiKeyEnv: "OPENAI_API_KEY",
      maxConcurrency: 8,
      // Far beyond the test's own timeout: only a hedge can answer a hung request in time.
      timeoutMs: 600_000,
      maxRetries: 0,
      hedge: hedge as false,
    },
    { env: {} },
  );
  const ask = (content: string) => serving.generate({ messages: [{ role: "user", content }] }, { tag: "t" });
  // The latency window needs 20 answers before any hedge goes out.
  await Promise.all(Array.from({ length: 20 }, (_, i) => ask(`warm ${i}`)));
  return { server, serving, ask };
}

describe("hedged requests", () => {
  it("answers a request the server hangs on with a second attempt, and aborts the first", async () => {
    const { server, ask } = await setup({ rules: [{ match: "stuck", fault: "hang", times: 1 }] });
    const result = await ask("stuck row");
    expect(result.text).toBe("stuck row");
    const stuck = chatRequests(server).filter((r) => JSON.stringify(r.body).includes("stuck row"));
    expect(stuck).toHaveLength(2);
    expect(stuck[0]?.outcome).toBe("hang");
    await expect.poll(() => stuck[0]?.aborted).toBe(true);
  });

  it("counts both requests but only the winner's tokens", async () => {
    const { serving, ask } = await setup({
      rules: [
        { match: "slow", reply: { content: "late answer that is thrown away", latencyMs: 2_000 }, times: 1 },
        { match: "slow", reply: { content: "x", usage: { promptTokens: 7, completionTokens: 1 } } },
      ],
      defaultReply: { content: "w", usage: { promptTokens: 1, completionTokens: 1 } },
    });
    const before = serving.usage().total;
    const result = await ask("slow row");
    expect(result.text).toBe("x");
    const after = serving.usage().total;
    expect(after.requests - before.requests).toBe(2);
    expect(after.promptTokens - before.promptTokens).toBe(7);
    expect(after.completionTokens - before.completionTokens).toBe(1);
  });

  it("sends no hedge with hedge: false", async () => {
    const { server, ask } = await setup(
      { rules: [{ match: "slow", reply: { content: "late", latencyMs: 600 }, times: 1 }] },
      false,
    );
    expect((await ask("slow row")).text).toBe("late");
    expect(chatRequests(server).filter((r) => JSON.stringify(r.body).includes("slow row"))).toHaveLength(1);
  });
});
