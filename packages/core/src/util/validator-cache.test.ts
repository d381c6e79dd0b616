import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { RowOperator } from "../bases/row-operator.js";
import { composePipelineSchema } from "../pipeline/pipeline-schema.js";
import { registerFixtureKinds } from "../pipeline/testdata/fixture-kinds.js";
import { OperatorRegistry } from "../registry/registry.js";
import { createAjv } from "./ajv.js";
import { cachedValidator, validatorCacheDir } from "./validator-cache.js";

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

function pipelineSchema() {
  const r = new OperatorRegistry();
  r.register(Shout, "test");
  registerFixtureKinds(r);
  r.fileFormats.add({ name: "lines", extensions: [".txt"], description: "one row per line" }, "test");
  return composePipelineSchema(r, { operators: false });
}

// Documents with problems of every kind the diagnostics read: required, additionalProperties,
// enum, type, pattern, minimum, oneOf on a kind's `type`; and a valid one whose defaults get filled.
const documents = [
  "name: p\nsource: { path: in.txt }\nsteps: [{ id: a, op: test/shout }]\n",
  "name: p\nsteps: [{ id: a, op: test/shout }]\n",
  "name: 'bad name'\nsource: { path: in.txt, colour: red }\nsteps: []\n",
  "name: p\nsource: { path: in.txt, format: xml }\nsteps: [{ id: a, op: 3 }]\n",
  "name: p\nsource: { path: in.txt }\nrun: { window: 0, maxRejectRate: 2 }\nsteps: [{ id: a, op: test/shout }]\n",
  "name: p\nsource: { path: in.txt }\nservings: { t: { type: nope } }\nsteps: [{ id: a, op: test/shout }]\n",
  "name: p\nsource: { path: in.txt }\nretrievers: { r: { type: lines, extra: 1 } }\nsteps: [{ id: a, op: test/shout }]\n",
];

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "validator-cache-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** What a validator reports for `yaml` and what it leaves in the document (defaults filled). */
function outcome(validate: ReturnType<typeof cachedValidator>, yaml: string) {
  const doc = parse(yaml);
  const ok = validate(doc);
  return { ok, doc, errors: validate.errors ?? null };
}

describe("cachedValidator", () => {
  it("stores the compiled validator once; a later process loads it and reports the same errors, defaults and all", () => {
    const dir = tempDir();
    const live = createAjv().compile(pipelineSchema());
    const first = cachedValidator(pipelineSchema(), dir);
    expect(readdirSync(dir)).toHaveLength(1);
    const loaded = cachedValidator(pipelineSchema(), dir);
    // ajv's own functions carry their source; one evaluated from the stored text does not.
    expect(first.source).toBeDefined();
    expect(loaded.source).toBeUndefined();
    for (const yaml of documents) {
      const want = outcome(live, yaml);
      expect(outcome(loaded, yaml)).toEqual(want);
      expect(outcome(first, yaml)).toEqual(want);
    }
    expect(outcome(loaded, documents[2] as string).errors?.length).toBeGreaterThan(2);
  });

  it("keys the file on the schema text: another schema, or the same keys in another order, is another file", () => {
    const dir = tempDir();
    cachedValidator({ type: "object", properties: { a: { type: "string" }, b: { type: "number" } } }, dir);
    cachedValidator({ type: "object", properties: { b: { type: "number" }, a: { type: "string" } } }, dir);
    cachedValidator({ type: "object", properties: { a: { type: "string" }, b: { type: "number" } } }, dir);
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it("recompiles and replaces a stored file that does not load", () => {
    const dir = tempDir();
    const schema = { type: "integer", minimum: 3 };
    cachedValidator(schema, dir);
    const [name] = readdirSync(dir);
    const file = join(dir, name as string);
    writeFileSync(file, "module.exports = (");
    const validate = cachedValidator(schema, dir);
    expect([validate(2), validate(3)]).toEqual([false, true]);
    expect(readFileSync(file, "utf8")).toContain("module.exports");
    expect(cachedValidator(schema, dir).source).toBeUndefined();
  });

  it("compiles without a disk cache when none is writable, or when turned off", () => {
    const file = join(tempDir(), "a-file");
    writeFileSync(file, "");
    const validate = cachedValidator({ type: "string" }, join(file, "below"));
    expect([validate("x"), validate(1)]).toEqual([true, false]);
    expect(validatorCacheDir({ DATAFLOW_VALIDATOR_CACHE: "off" })).toBeUndefined();
  });

  it("lives in the user cache folder unless told otherwise", () => {
    expect(validatorCacheDir({ XDG_CACHE_HOME: "/c" })).toBe("/c/dataflow/validators");
    expect(validatorCacheDir({ XDG_CACHE_HOME: "/c", DATAFLOW_VALIDATOR_CACHE: "/v" })).toBe("/v");
    expect(validatorCacheDir({ HOME: "/h" })).toMatch(/\.cache\/dataflow\/validators$/);
  });
});
