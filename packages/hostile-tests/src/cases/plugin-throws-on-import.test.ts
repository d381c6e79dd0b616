import { afterAll, expect, it } from "vitest";
import { expectCleanError, runDataflow, Workspace } from "../harness/index.js";

const ws = new Workspace();
afterAll(() => ws.remove());

it("a plugin that throws on import is named with its error and the place in its code, not 'install the package'", async () => {
  ws.write("in.jsonl", '{"text":"a"}\n');
  ws.write(
    "broken-plugin.mjs",
    [
      "const table = undefined;",
      "export const size = table.length;",
      "export function register() {}",
      "",
    ].join("\n"),
  );
  const file = ws.write(
    "p.yaml",
    ["name: p", "plugins: [./broken-plugin.mjs]", "source: { path: in.jsonl }", "steps: []", ""].join("\n"),
  );
  const r = await runDataflow(["validate", file]);
  expectCleanError(r, {
    exit: 2,
    location: "p.yaml:2:",
    wording: [
      'plugin "./broken-plugin.mjs" threw while loading: Cannot read properties of undefined',
      "broken-plugin.mjs:2:",
      "plugin's own code",
    ],
  });
  expect(r.stderr).not.toMatch(/install the package/);
});
