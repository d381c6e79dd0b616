import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { RowOperator } from "../bases/row-operator.js";
import { OperatorRegistry } from "../registry/registry.js";
import { createAjv } from "../util/ajv.js";
import { composePipelineSchema } from "./pipeline-schema.js";
import { registerFixtureKinds } from "./testdata/fixture-kinds.js";

class Shout extends RowOperator<{ times: number }> {
  static readonly spec = {
    name: "test/shout",
    version: "1",
    description: "repeats a column",
    params: {
      type: "object",
      additionalProperties: false,
      properties: { times: { type: "integer", minimum: 1, default: 1 } },
    },
    inputs: {},
    outputs: {},
  };
  process() {
    return undefined;
  }
}

function registry(): OperatorRegistry {
  const r = new OperatorRegistry();
  r.register(Shout, "test");
  registerFixtureKinds(r);
  r.fileFormats.add({ name: "lines", extensions: [".txt"], description: "one row per line" }, "test");
  return r;
}

/** What an editor's schema check says about a YAML document: instance paths and keywords. */
function check(yaml: string, schema = composePipelineSchema(registry())): string[] {
  const validate = createAjv().compile(schema);
  if (validate(parse(yaml))) return [];
  return (validate.errors ?? [])
    .filter((e) => e.keyword !== "if")
    .map((e) => `${e.instancePath} ${e.keyword}`);
}

const base = "name: p\nsource: { path: in.txt }\n";

describe("composePipelineSchema", () => {
  it("lists what is registered: serving and retriever types, formats, operator names", () => {
    const schema = composePipelineSchema(registry()) as {
      properties: Record<string, Record<string, unknown>>;
    };
    const text = JSON.stringify(schema);
    expect(text).toContain('"enum":["chat"]');
    expect(text).toContain('"enum":["lines","vectors"]');
    expect(text).toContain('"examples":["test/shout"]');
    expect(schema.properties.source).toMatchObject({ properties: { format: { enum: ["lines"] } } });
  });

  it("checks each serving and retriever block against its kind's own schema, on type", () => {
    expect(
      check(
        `${base}servings:\n  a: { model: m }\nretrievers:\n  r: { type: lines, lines: x.txt }\nsteps: [{ id: s, op: test/shout }]\n`,
      ),
    ).toEqual([]);
    expect(
      check(`${base}servings:\n  a: { model: m, colour: red }\nsteps: [{ id: s, op: test/shout }]\n`),
    ).toEqual(["/servings/a additionalProperties"]);
    expect(
      check(`${base}retrievers:\n  r: { type: vectors, lines: x.md }\nsteps: [{ id: s, op: test/shout }]\n`),
    ).toEqual(["/retrievers/r/lines pattern"]);
    expect(
      check(`${base}retrievers:\n  r: { type: vector, lines: x.txt }\nsteps: [{ id: s, op: test/shout }]\n`),
    ).toEqual(["/retrievers/r/type enum"]);
  });

  it("checks params by op with the editor's schema, and leaves them to the compiler without it", () => {
    const yaml = `${base}steps:\n  - { id: s, op: test/shout, params: { times: loud, pitch: 3 } }\n  - { id: t, op: other/op, params: { anything: 1 } }\n`;
    expect(check(yaml).sort()).toEqual([
      "/steps/0/params additionalProperties",
      "/steps/0/params/times type",
    ]);
    expect(check(yaml, composePipelineSchema(registry(), { operators: false }))).toEqual([]);
  });

  it("accepts any type and format while none is registered", () => {
    const bare = composePipelineSchema(new OperatorRegistry());
    expect(
      check(
        `name: p\nsource: { path: a.b, format: xyz }\nservings:\n  a: { type: any, k: 1 }\nsteps: [{ id: s, op: x/y }]\n`,
        bare,
      ),
    ).toEqual([]);
  });
});
