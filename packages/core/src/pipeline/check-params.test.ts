import { describe, expect, it } from "vitest";
import { RowOperator } from "../bases/row-operator.js";
import type { ParamProblem } from "../contracts/operator.js";
import { OperatorRegistry } from "../registry/registry.js";
import { runOperator } from "../testing/run-operator.js";
import { compilePipeline } from "./compile.js";

interface WindowParams {
  size: number;
  step: number;
}

/** An operator whose params relate to each other in a way their schema cannot say. */
class Window extends RowOperator<WindowParams> {
  static readonly spec = {
    name: "test/window",
    version: "1.0.0",
    description: "step must be below size",
    params: {
      type: "object",
      properties: { size: { type: "integer", default: 10 }, step: { type: "integer", default: 1 } },
    },
    inputs: {},
    outputs: {},
    checkParams: (p: WindowParams): ParamProblem[] =>
      p.step < p.size
        ? []
        : [{ path: ["step"], message: `step ${p.step} must be below size ${p.size}`, hint: "lower step" }],
  };
  process() {
    return undefined;
  }
}

async function compile(yaml: string) {
  const registry = new OperatorRegistry();
  registry.register(Window, "test");
  return compilePipeline(yaml, "/tmp/p/pipe.yaml", {
    registry,
    env: {},
    sampleColumns: async () => ["text"],
  });
}

describe("checkParams", () => {
  it("reports each problem as a compile error located at its param", async () => {
    const { plan, diagnostics } = await compile(`name: w
source: { path: in.jsonl }
steps:
  - id: win
    op: test/window
    params:
      size: 4
      step: 9
`);
    expect(plan).toBeUndefined();
    expect(diagnostics).toEqual([
      {
        severity: "error",
        message: 'step "win" (test/window) params.step: step 9 must be below size 4',
        location: expect.objectContaining({ file: "/tmp/p/pipe.yaml", line: 8, column: 13 }),
        hint: "lower step",
      },
    ]);
  });

  it("is not consulted for params that fail their schema, and passes good params", async () => {
    const bad = await compile(
      `name: w\nsource: { path: in.jsonl }\nsteps: [{ id: win, op: test/window, params: { size: x } }]\n`,
    );
    expect(bad.diagnostics.map((d) => d.message).join("\n")).not.toMatch(/must be below/);
    const good = await compile(
      `name: w\nsource: { path: in.jsonl }\nsteps: [{ id: win, op: test/window }]\n`,
    );
    expect(good.diagnostics).toEqual([]);
  });

  it("runOperator refuses params with problems, as the compiler would", async () => {
    await expect(runOperator(Window, [], { params: { size: 2, step: 2 } })).rejects.toThrow(
      /invalid params for test\/window: \/step step 2 must be below size 2/,
    );
  });
});
