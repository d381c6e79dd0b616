import { describe, expect, it } from "vitest";
import { OperatorRegistry } from "../registry/registry.js";
import { validateParams } from "../contracts/step-context.js";
import { coreOperators, registerCoreOperators } from "./index.js";

const NAMES = [
  "core/dedup",
  "core/drop",
  "core/filter",
  "core/length-filter",
  "core/limit",
  "core/rename",
  "core/sample",
  "core/select",
  "core/template",
  "llm/generate",
  "llm/judge",
  "llm/judge-pairwise",
];

describe("registerCoreOperators", () => {
  it("registers all core operators with origin @dataflow/core", () => {
    const registry = new OperatorRegistry();
    registerCoreOperators(registry);
    expect(registry.names()).toEqual(NAMES);
    for (const name of NAMES) expect(registry.origin(name)).toBe("@dataflow/core");
  });

  it("throws when registering twice", () => {
    const registry = new OperatorRegistry();
    registerCoreOperators(registry);
    expect(() => registerCoreOperators(registry)).toThrow(/registered twice/);
  });
});

describe("core operator specs", () => {
  it.each(coreOperators.map((cls) => [cls.spec.name, cls] as const))(
    "%s has a complete spec",
    (_name, cls) => {
      const { spec } = cls;
      expect(spec.version).toBe("1.0.0");
      expect(spec.description.length).toBeGreaterThan(20);
      expect(spec.params.additionalProperties).toBe(false);
      for (const [key, prop] of Object.entries(spec.params.properties ?? {})) {
        expect(prop.description, `${spec.name} params.${key}`).toBeTruthy();
      }
      // The schema compiles.
      expect(() => validateParams(spec, {})).not.toThrow();
    },
  );
});
