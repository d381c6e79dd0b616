import { CompiledPrompt } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { captureIO } from "../cli-test-io.js";
import { createDefaultRegistry } from "../default-registry.js";
import { runCli } from "../run-cli.js";

async function cli(args: string[]) {
  const cap = captureIO();
  const code = await runCli(args, cap.io);
  return { code, stdout: cap.stdout(), stderr: cap.stderr() };
}

describe("dataflow operators NAME --prompts", () => {
  it("prints the default prompt of every LLM operator, with its placeholders", async () => {
    const registry = createDefaultRegistry();
    const llm = registry.names().filter((n) => registry.get(n)?.spec.prompt);
    expect(llm).toEqual(
      expect.arrayContaining([
        "llm/judge",
        "rare/doc2query",
        "rare/reason-distill",
        "rare/qa-distill",
        "rag/task-synth",
        "rag/iterative-trajectory",
      ]),
    );
    for (const name of llm) {
      const out = await cli(["operators", name, "--prompts"]);
      expect(out.code, name).toBe(0);
      const prompt = registry.get(name)?.spec.prompt;
      expect(out.stdout).toContain(`--- user ---\n${prompt?.defaults.user}`);
      for (const placeholder of Object.keys(prompt?.placeholders ?? {}))
        expect(out.stdout).toContain(`{{${placeholder}}}`);
      // The printed default is a valid starting point: it parses, and uses only its own placeholders.
      expect(() => new CompiledPrompt(prompt as never, undefined), name).not.toThrow();
    }
  });

  it("prints JSON with --json, and refuses an operator without a prompt", async () => {
    const json = JSON.parse((await cli(["operators", "rare/doc2query", "--prompts", "--json"])).stdout);
    expect(Object.keys(json.placeholders)).toContain("document");
    expect(json.defaults.user).toContain("{{document}}");
    const none = await cli(["operators", "core/template", "--prompts"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/core\/template takes no prompt; operators with one: .*rare\/doc2query/);
  });
});
