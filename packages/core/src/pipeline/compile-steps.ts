import type { SourceLocation } from "../contracts/errors.js";
import type { OperatorClass, OperatorSpec } from "../contracts/operator.js";
import { bindPorts, validateParams } from "../contracts/step-context.js";
import { didYouMean } from "../util/did-you-mean.js";
import { checkStepResource, RETRIEVER, SERVING } from "./check-step-resource.js";
import type { CompileContext } from "./compile-context.js";
import type { FlowStep } from "./key-flow.js";
import type { Path } from "./pipeline-document.js";
import type { KindConfig, PlannedStep } from "./plan.js";
import { schemaDiagnostics } from "./schema-diagnostics.js";

export interface RawStep {
  id?: unknown;
  op?: unknown;
  serving?: unknown;
  retriever?: unknown;
  inputs?: Record<string, string>;
  outputs?: Record<string, string>;
  params?: Record<string, unknown>;
  concurrency?: number;
}

/** What steps can name besides operators: the pipeline's servings and retrievers. */
export interface Declared {
  servings: Record<string, KindConfig>;
  retrievers: Record<string, KindConfig>;
}

interface StepAt {
  id: string;
  index: number;
  at: (...path: Path) => SourceLocation;
}

/**
 * Each step's operator, params, ports, serving and retriever. Returns the planned steps and, for
 * the key-flow check, those whose params are valid.
 */
export function compileSteps(
  raw: unknown,
  declared: Declared,
  ctx: CompileContext,
): { planned: PlannedStep[]; flow: FlowStep[] } {
  const steps = Array.isArray(raw) ? (raw as RawStep[]) : [];
  const seenIds = new Map<string, number>();
  const planned: PlannedStep[] = [];
  const flow: FlowStep[] = [];
  for (const [index, step] of steps.entries()) {
    if (!step || typeof step !== "object") continue;
    const id = typeof step.id === "string" ? step.id : `#${index + 1}`;
    const where: StepAt = { id, index, at: (...path) => ctx.doc.locate(["steps", index, ...path]) };
    checkUniqueId(where, seenIds, ctx);
    const cls = typeof step.op === "string" ? resolveOperator(step.op, where, ctx) : undefined;
    if (!cls) continue;
    const compiled = compileStep(step, cls, where, declared, ctx);
    planned.push(compiled.planned);
    if (compiled.flow) flow.push(compiled.flow);
  }
  return { planned, flow };
}

function checkUniqueId(step: StepAt, seenIds: Map<string, number>, ctx: CompileContext): void {
  const first = seenIds.get(step.id);
  if (first === undefined) {
    seenIds.set(step.id, step.index);
    return;
  }
  ctx.diagnostics.push({
    severity: "error",
    message: `duplicate step id "${step.id}" (first used by step ${first + 1} at line ${ctx.doc.locate(["steps", first, "id"]).line})`,
    location: step.at("id"),
    hint: "give every step a unique id",
  });
}

function resolveOperator(op: string, step: StepAt, ctx: CompileContext): OperatorClass | undefined {
  const cls = ctx.registry.get(op);
  if (cls) return cls;
  ctx.diagnostics.push({
    severity: "error",
    message: `step "${step.id}": unknown operator "${op}"`,
    location: step.at("op"),
    hint:
      didYouMean(op, ctx.registry.names()) ||
      "run `dataflow operators` to list the registered operators, or add the plugin that provides it under `plugins:`",
  });
  return undefined;
}

function compileStep(
  step: RawStep,
  cls: OperatorClass,
  where: StepAt,
  declared: Declared,
  ctx: CompileContext,
): { planned: PlannedStep; flow?: FlowStep } {
  const spec = cls.spec;
  const { id, index } = where;
  const { params, errors } = validateParams(spec, step.params ?? {});
  if (errors.length)
    ctx.diagnostics.push(
      ...schemaDiagnostics(errors, ctx.doc, ["steps", index, "params"], `step "${id}" (${spec.name}) params`),
    );
  const problems = errors.length ? [] : (spec.checkParams?.(params) ?? []);
  for (const p of problems)
    ctx.diagnostics.push({
      severity: "error",
      message: `step "${id}" (${spec.name}) params.${p.path.join(".")}: ${p.message}`,
      location: where.at("params", ...p.path),
      ...(p.hint ? { hint: p.hint } : {}),
    });
  checkPorts(step, spec, where, ctx);
  const step$ = { id, op: spec.name, at: where.at };
  const serving = checkStepResource(SERVING, step.serving, spec.serving, declared.servings, step$, ctx);
  const retriever = checkStepResource(
    RETRIEVER,
    step.retriever,
    spec.retriever,
    declared.retrievers,
    step$,
    ctx,
  );
  const inputs = bindPorts(spec.inputs, step.inputs);
  const outputs = bindPorts(spec.outputs, step.outputs);
  const planned: PlannedStep = {
    id,
    op: cls,
    params,
    inputs,
    outputs,
    ...(serving ? { serving } : {}),
    ...(retriever && spec.retriever ? { retriever } : {}),
    ...(step.concurrency ? { concurrency: step.concurrency } : {}),
    location: where.at(),
  };
  if (errors.length || problems.length) return { planned };
  const bound = { boundInputs: step.inputs ?? {}, boundOutputs: step.outputs ?? {} };
  return { planned, flow: { id, index, spec: spec as never, params, ...bound, inputs, outputs } };
}

/** Every port a step binds must be one its operator has. */
function checkPorts(step: RawStep, spec: OperatorSpec, where: StepAt, ctx: CompileContext): void {
  for (const [kind, bound, ports] of [
    ["input", step.inputs, spec.inputs],
    ["output", step.outputs, spec.outputs],
  ] as const) {
    for (const port of Object.keys(bound && typeof bound === "object" ? bound : {})) {
      if (port in ports) continue;
      const names = Object.keys(ports);
      ctx.diagnostics.push({
        severity: "error",
        message: `step "${where.id}": ${spec.name} has no ${kind} port "${port}"`,
        location: ctx.doc.locateKey(["steps", where.index, `${kind}s`], port),
        hint:
          didYouMean(port, names) ||
          (names.length ? `its ${kind} ports are: ${names.join(", ")}` : `it has no ${kind} ports`),
      });
    }
  }
}
