import { OperatorRegistry, runOperator } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { qualityOperators, register } from "./register.js";

interface SchemaNode {
  description?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

/** Every property, however deep, with its path. */
function properties(node: SchemaNode, path: string): [string, SchemaNode][] {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) => [
    [`${path}.${key}`, child] as [string, SchemaNode],
    ...properties(child, `${path}.${key}`),
    ...(child.items ? properties(child.items, `${path}.${key}[]`) : []),
  ]);
}

describe("operators-quality specs", () => {
  it("registers three operators under the quality namespace", () => {
    const registry = new OperatorRegistry();
    register(registry);
    expect(registry.names()).toEqual(["quality/contamination", "quality/leakage", "quality/near-dedup"]);
    expect(registry.origin("quality/near-dedup")).toBe("@dataflow/operators-quality");
  });

  it.each(qualityOperators.map((cls) => [cls.spec.name, cls] as const))(
    "%s has a complete spec",
    (_n, cls) => {
      const { spec } = cls;
      expect(spec.version).toBe("1.0.0");
      expect(spec.description.length).toBeGreaterThan(20);
      expect(spec.params.additionalProperties).toBe(false);
      for (const [path, prop] of properties(spec.params as SchemaNode, "params")) {
        expect(prop.description, `${spec.name} ${path}`).toBeTruthy();
      }
      for (const [port, p] of Object.entries({ ...spec.inputs, ...spec.outputs })) {
        expect(p.description, `${spec.name} port ${port}`).toBeTruthy();
      }
    },
  );

  it("rejects unknown params", async () => {
    for (const cls of qualityOperators) {
      await expect(runOperator(cls, [], { params: { references: ["a.jsonl"], nope: 1 } })).rejects.toThrow(
        /invalid params/,
      );
    }
  });
});
