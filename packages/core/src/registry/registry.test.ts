import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RowOperator } from "../bases/row-operator.js";
import type { OperatorClass } from "../contracts/operator.js";
import { OperatorRegistry } from "./registry.js";

const tmp = mkdtempSync(join(tmpdir(), "dataflow-registry-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function op(name: string): OperatorClass {
  return class extends RowOperator {
    static readonly spec = {
      name,
      version: "1",
      description: name,
      params: { type: "object" },
      inputs: {},
      outputs: {},
    };
    process() {
      return undefined;
    }
  } as unknown as OperatorClass;
}

const pluginSource = (name: string) => `
export function register(registry) {
  registry.register(class {
    static spec = { name: "${name}", version: "1", description: "from a plugin", params: { type: "object" }, inputs: {}, outputs: {} };
    run(rows) { return rows; }
  }, "plugin");
}
`;

describe("OperatorRegistry", () => {
  it("registers by spec.name and refuses a duplicate, naming both origins", () => {
    const r = new OperatorRegistry();
    r.register(op("a/one"), "pkg-a");
    expect(r.get("a/one")?.spec.name).toBe("a/one");
    expect(() => r.register(op("a/one"), "pkg-b")).toThrow(
      'operator "a/one" is registered twice: by pkg-a and by pkg-b',
    );
    expect(r.names()).toEqual(["a/one"]);
  });

  it("refuses badly named or spec-less classes", () => {
    const r = new OperatorRegistry();
    expect(() => r.register(op("NoNamespace"))).toThrow(/namespace\/name/);
    expect(() => r.register(class {} as unknown as OperatorClass)).toThrow(/no static spec/);
  });

  it("suggests near names on a miss", () => {
    const r = new OperatorRegistry();
    r.register(op("core/template"));
    r.register(op("core/dedup"));
    expect(() => r.require("core/templte")).toThrow(
      'unknown operator "core/templte"; did you mean "core/template"?',
    );
  });

  it("loads a plugin by relative path, once", async () => {
    const file = join(tmp, "local-plugin.mjs");
    writeFileSync(file, pluginSource("local/op"));
    const r = new OperatorRegistry();
    await r.load("./local-plugin.mjs", tmp);
    await r.load("./local-plugin.mjs", tmp);
    expect(r.names()).toEqual(["local/op"]);
    await expect(r.load("./missing.mjs", tmp)).rejects.toThrow("plugin file not found");
  });

  it("loads a plugin package by name from the pipeline's node_modules, honouring exports", async () => {
    const pkg = join(tmp, "node_modules", "@acme", "ops");
    mkdirSync(join(pkg, "dist"), { recursive: true });
    writeFileSync(
      join(pkg, "package.json"),
      JSON.stringify({ name: "@acme/ops", type: "module", exports: { ".": { import: "./dist/index.js" } } }),
    );
    writeFileSync(join(pkg, "dist", "index.js"), pluginSource("acme/op"));
    const r = new OperatorRegistry();
    await r.load("@acme/ops", join(tmp, "pipelines"));
    expect(r.has("acme/op")).toBe(true);
    await expect(r.load("@acme/nope", tmp)).rejects.toThrow('plugin package "@acme/nope" is not installed');
  });

  it("refuses a module without register()", async () => {
    writeFileSync(join(tmp, "not-a-plugin.mjs"), "export const x = 1;\n");
    await expect(new OperatorRegistry().load("./not-a-plugin.mjs", tmp)).rejects.toThrow(
      "does not export a register(registry) function",
    );
  });

  it("lets a plugin add kinds as well as operators, each credited to the plugin", () => {
    const r = new OperatorRegistry();
    r.use(
      {
        register(registry) {
          registry.register(op("kinds/op"));
          registry.fileFormats.add({ name: "tsv", extensions: [".tsv"], description: "tab-separated" });
        },
      },
      "kinds-plugin",
    );
    expect(r.origin("kinds/op")).toBe("kinds-plugin");
    expect(r.fileFormats.origin("tsv")).toBe("kinds-plugin");
    expect(r.revision).toBe(2);
    // Outside a plugin's register, nothing is credited to it.
    r.fileFormats.add({ name: "psv", extensions: [".psv"], description: "pipe-separated" });
    expect(r.fileFormats.origin("psv")).toBe("(unknown)");
  });
});
