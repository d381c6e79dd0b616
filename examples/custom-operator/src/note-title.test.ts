import { runOperator } from "@dataflow/core";
import { type ChatServer, chatRequests, loopbackServing } from "@dataflow/llm-serving/testing";
import { afterEach, describe, expect, it } from "vitest";
import { NoteTitleOperator } from "./note-title.js";

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("example/note-title", () => {
  it("asks again when the title is too long, then keeps the short one", async () => {
    const started = await loopbackServing({
      rules: [
        { match: /bees[\s\S]*not usable/, reply: '{"title": "Early queen cells"}' },
        { match: /bees/, reply: '{"title": "Why a crowded brood box makes bees build queen cells"}' },
        { match: /sourdough/, reply: "no JSON here" },
      ],
    });
    server = started.server;
    const r = await runOperator(
      NoteTitleOperator,
      [{ text: "Crowded bees build queen cells." }, { text: "A sourdough starter doubles." }],
      { params: { maxWords: 4, maxAttempts: 2 }, serving: started.serving },
    );
    expect(r.rows).toEqual([{ text: "Crowded bees build queen cells.", title: "Early queen cells" }]);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]?.type).toBe("bad-output");
    expect(chatRequests(server)).toHaveLength(4);
  });
});
