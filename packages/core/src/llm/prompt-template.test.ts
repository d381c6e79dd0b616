import { describe, expect, it } from "vitest";
import { CompiledPrompt, checkPromptParam, type PromptSpec, promptParamSchema } from "./prompt-template.js";

const spec: PromptSpec = {
  defaults: { system: "You write questions.", user: "Write a question about:\n{{document}}" },
  placeholders: { document: "the document", language: "the language" },
};

describe("prompt templates", () => {
  it("renders the defaults, or the step's own messages, from the placeholder values", () => {
    expect(
      new CompiledPrompt(spec, undefined).messages({ document: "Bees swarm.", language: "German" }),
    ).toEqual([
      { role: "system", content: "You write questions." },
      { role: "user", content: "Write a question about:\nBees swarm." },
    ]);
    const own = new CompiledPrompt(spec, { user: "Auf {{ language }}: {{document}} \\{{x}}" });
    expect(own.messages({ document: "Bienen.", language: "Deutsch" })).toEqual([
      { role: "system", content: "You write questions." },
      { role: "user", content: "Auf Deutsch: Bienen. {{x}}" },
    ]);
  });

  it("sends no system message when it renders empty", () => {
    const userOnly: PromptSpec = { ...spec, defaults: { system: "", user: "{{document}}" } };
    expect(new CompiledPrompt(userOnly, undefined).messages({ document: "d" })).toEqual([
      { role: "user", content: "d" },
    ]);
  });

  it("reports unknown placeholders and syntax errors at the message they are in", () => {
    expect(checkPromptParam({ user: "{{document}} in {{langauge}}", system: "{{oops" }, spec)).toEqual([
      {
        path: ["prompt", "system"],
        message: expect.stringMatching(/^template: "\{\{" is never closed/),
        hint: "write \\{{ for a literal {{",
      },
      {
        path: ["prompt", "user"],
        message: "unknown placeholder {{langauge}}",
        hint: "did you mean {{language}}? this operator fills {{document}}, {{language}}",
      },
    ]);
    expect(checkPromptParam(undefined, spec)).toEqual([]);
    expect(checkPromptParam({ system: "Plain." }, spec, ["judge", "prompt"])).toEqual([]);
  });

  it("has a schema naming the placeholders", () => {
    const schema = promptParamSchema(spec) as { properties: { user: { description: string } } };
    expect(schema.properties.user.description).toContain("{{document}}, {{language}}");
  });
});
