import { didYouMean } from "../util/did-you-mean.js";
import type { Diagnostic, SourceLocation } from "../contracts/errors.js";
import type { ColumnEffects, OperatorSpec } from "../contracts/operator.js";
import type { Path, PipelineDocument } from "./pipeline-document.js";

export interface FlowStep {
  id: string;
  index: number;
  spec: OperatorSpec<never>;
  params: Record<string, unknown>;
  /** Explicit bindings from the YAML. */
  boundInputs: Record<string, string>;
  boundOutputs: Record<string, string>;
  inputs: Record<string, string>;
  outputs: Record<string, string>;
}

interface Origin {
  by: string;
  location?: SourceLocation;
}

/**
 * Follow columns from the source through every step: each column a step reads
 * must exist by then; reading a dropped column is an error; overwriting one is a warning.
 * Returns the columns of the final rows.
 */
export function checkKeyFlow(
  sourceColumns: readonly string[],
  steps: readonly FlowStep[],
  doc: PipelineDocument,
  diagnostics: Diagnostic[],
): string[] {
  const available = new Map<string, Origin>(sourceColumns.map((c) => [c, { by: "the source" }]));
  const dropped = new Map<string, Origin>();

  for (const step of steps) {
    const at = (path: Path): SourceLocation => doc.locate(["steps", step.index, ...path]);
    let effects: ColumnEffects = {};
    try {
      effects = step.spec.columns?.(step.params as never) ?? {};
    } catch (err) {
      diagnostics.push({
        severity: "error",
        message: `step "${step.id}": ${step.spec.name} could not work out its columns: ${(err as Error).message}`,
        location: at(["params"]),
        hint: "check the step's params",
      });
    }

    const reads: { column: string; path: Path; what: string }[] = [];
    const required = new Set(effects.requiresInputs ?? []);
    for (const [port, column] of Object.entries(step.inputs)) {
      const portSpec = step.spec.inputs[port];
      const explicit = port in step.boundInputs;
      if (portSpec?.optional && !explicit && !required.has(port) && !available.has(column)) continue;
      reads.push({
        column,
        path: explicit ? ["inputs", port] : ["op"],
        what: explicit ? `input "${port}"` : `input "${port}" (default column)`,
      });
    }
    for (const r of effects.reads ?? [])
      reads.push({ column: r.column, path: r.path, what: r.path.join(".") });
    for (const r of effects.renames ?? [])
      reads.push({ column: r.from.column, path: r.from.path, what: "rename" });

    const checked = new Set<string>();
    for (const r of reads) {
      // Operators may name a column both as a read and as a rename/keep; report it once.
      if (checked.has(r.column)) continue;
      checked.add(r.column);
      if (available.has(r.column)) continue;
      const gone = dropped.get(r.column);
      if (gone) {
        diagnostics.push({
          severity: "error",
          message: `step "${step.id}" ${r.what} reads column "${r.column}", which ${gone.by} dropped${gone.location?.line ? ` (at line ${gone.location.line}:${gone.location.column})` : ""}`,
          location: at(r.path),
          hint: `move this step before ${gone.by}, or stop ${gone.by} from dropping "${r.column}"`,
        });
        continue;
      }
      const close = didYouMean(r.column, available.keys());
      diagnostics.push({
        severity: "error",
        message: `step "${step.id}" ${r.what} reads column "${r.column}", which neither the source nor an earlier step provides`,
        location: at(r.path),
        hint: close
          ? close
          : `columns available here: ${[...available.keys()].join(", ") || "(none)"}; bind the input to one of them, or add a step that writes "${r.column}"`,
      });
    }

    const by = `step "${step.id}"`;
    const remove = (column: string, path: Path): void => {
      if (!available.delete(column)) return;
      dropped.set(column, { by, location: at(path) });
    };
    for (const r of effects.renames ?? []) {
      const origin = available.get(r.from.column);
      remove(r.from.column, r.from.path);
      if (origin) {
        dropped.delete(r.to);
        available.set(r.to, { by, location: at(r.from.path) });
      }
    }
    for (const d of effects.drops ?? []) remove(d.column, d.path);
    if (effects.keepOnly) {
      const keep = new Set(effects.keepOnly.map((k) => k.column));
      for (const column of [...available.keys()]) if (!keep.has(column)) remove(column, ["params"]);
    }

    const writes: { column: string; path: Path }[] = Object.entries(step.outputs).map(([port, column]) => ({
      column,
      path: port in step.boundOutputs ? ["outputs", port] : ["op"],
    }));
    for (const w of effects.writes ?? []) writes.push({ column: w.column, path: w.path });
    for (const w of writes) {
      const before = available.get(w.column);
      if (before && before.by !== by) {
        diagnostics.push({
          severity: "warning",
          message: `step "${step.id}" overwrites column "${w.column}" (from ${before.by})`,
          location: at(w.path),
          hint: `bind the output to a new column name if you want to keep the old "${w.column}"`,
        });
      }
      dropped.delete(w.column);
      available.set(w.column, { by, location: at(w.path) });
    }
  }
  return [...available.keys()];
}
