import { afterAll, expect, it } from "vitest";
import { expectCleanError, runDataflow, Workspace } from "../harness/index.js";

const ws = new Workspace();
afterAll(() => ws.remove());

it("a YAML alias bomb is one located error in our words, not the library's", async () => {
  ws.write("in.jsonl", '{"text":"a"}\n');
  const levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i < 9; i++)
    levels.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(", ")}]`,
    );
  const file = ws.write(
    "p.yaml",
    ["name: p", "source: { path: in.jsonl }", "steps: []", ...levels, ""].join("\n"),
  );
  const r = await runDataflow(["validate", file]);
  expectCleanError(r, {
    exit: 2,
    location: "p.yaml:5:",
    wording: ["aliases (*name) expand to too many copies"],
  });
  expect(r.stderr).not.toMatch(/resource exhaustion/);
});
