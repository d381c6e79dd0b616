import { afterAll, expect, it } from "vitest";
import { expectCleanError, runDataflow, Workspace } from "../harness/index.js";

const ws = new Workspace();
afterAll(() => ws.remove());

it("one unquoted ${VAR} in a flow mapping is one error with the fix, not a cascade", async () => {
  ws.write("in.jsonl", '{"text":"a"}\n');
  const file = ws.write(
    "p.yaml",
    [
      "name: p",
      "source: { path: in.jsonl }",
      "servings: { teacher: { type: openai, model: ${MODEL}, baseURL: http://127.0.0.1:9/v1 } }",
      "steps:",
      "  - id: t",
      "    op: core/template",
      '    params: { output: s, template: "x" }',
      "",
    ].join("\n"),
  );
  const r = await runDataflow(["validate", file], { env: { MODEL: "m" } });
  expectCleanError(r, { exit: 2, location: "p.yaml:3:", wording: ['quote it: "${MODEL}"'] });
  expect(r.stderr.match(/error:/g)).toHaveLength(1);
});
