import {
  compilePipeline,
  JudgeOperator,
  OperatorRegistry,
  registerCoreOperators,
  runOperator,
} from "@dataflow/core";
import { type ChatServer, chatRequests, loopbackServing } from "@dataflow/llm-serving/testing";
import { afterEach, describe, expect, it } from "vitest";
import { register } from "../register.js";

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ROW = { answer: "Replace the chain and the cassette.", question: "The chain is at 0.8%: what now?" };
const REPLY = JSON.stringify({ reason: "Right.", scores: { correct: 5 } });

describe("llm/judge with its prompt from the step's params", () => {
  it("wraps the item (a row template) in the step's own system and user messages", async () => {
    const started = await loopbackServing({ defaultReply: REPLY });
    server = started.server;
    const prompt = {
      item: "Q: {{question}}\nA: {{answer}}",
      system: "Tu juges des réponses de mécanique vélo.",
      user: "Critères :\n{{criteria}}\nNotes de {{min}} à {{max}}.\n<<{{item}}>>\n{{answer_format}}",
    };
    const r = await runOperator(JudgeOperator, [ROW], {
      params: { rubric: { criteria: { correct: "Is right." } }, prompt },
      serving: started.serving,
    });
    expect(r.rows[0]).toMatchObject({ judge_score: 5, judge_passed: true });
    const body = chatRequests(started.server)[0]?.body as { messages: { role: string; content: string }[] };
    expect(body.messages).toEqual([
      { role: "system", content: prompt.system },
      {
        role: "user",
        content:
          "Critères :\n- correct: Is right.\nNotes de 1 à 5.\n<<Q: The chain is at 0.8%: what now?\nA: Replace the chain and the cassette.>>\n" +
          '{"reason": "<why, in two or three sentences>", "scores": {"correct": <1-5>}}',
      },
    ]);
  });

  it("reports an unknown placeholder, or a system message given twice, at its line", async () => {
    const registry = new OperatorRegistry();
    registerCoreOperators(registry);
    register(registry);
    const yaml = [
      "name: judge",
      "source: { path: in.jsonl }",
      "servings: { judge: { type: openai, model: m, baseURL: 'http://127.0.0.1:9' } }",
      "steps:",
      "  - id: grade",
      "    op: llm/judge",
      "    serving: judge",
      "    params:",
      "      rubric: rare-question",
      "      system: Judge {{question}}.",
      "      prompt:",
      "        system: Be strict.",
      "        user: '{{item}} {{critera}}'",
      "",
    ].join("\n");
    const { diagnostics } = await compilePipeline(yaml, "/tmp/j/judge.yaml", {
      registry,
      env: {},
      sampleColumns: async () => ["text", "question", "scenario"],
    });
    const errors = diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => [d.location?.line, d.message, d.hint])).toEqual([
      [
        13,
        'step "grade" (llm/judge) params.prompt.user: unknown placeholder {{critera}}',
        expect.stringMatching(/^did you mean \{\{criteria\}\}\?/),
      ],
      [
        12,
        'step "grade" (llm/judge) params.prompt.system: the system message is given twice, here and in system',
        expect.any(String),
      ],
    ]);
  });
});
