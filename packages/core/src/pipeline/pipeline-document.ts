import {
  type Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  parse as parseYamlValue,
  visit,
} from "yaml";
import { type Diagnostic, PipelineError, type SourceLocation } from "../contracts/errors.js";
import { recordSecret } from "../util/redactor.js";
import { interpolate, isSecretName, isWholeReference } from "./interpolate.js";
import { yamlDiagnostics } from "./yaml-diagnostics.js";

export type Path = (string | number)[];

/**
 * A pipeline YAML document after parsing, `${VAR}` interpolation and `--set`
 * overrides, which can still say where every value came from.
 */
export class PipelineDocument {
  readonly diagnostics: Diagnostic[] = [];
  private readonly lineCounter = new LineCounter();
  private readonly doc: Document;
  /** Scalars that came from the environment: their source text, shown instead of their value. */
  private readonly fromEnv = new Map<Node, { source: string; secret: boolean }>();
  /** Nodes written by --set. */
  private readonly fromSet = new Map<Node, string>();

  constructor(
    readonly file: string,
    text: string,
    env: Record<string, string | undefined> = process.env,
    overrides: readonly string[] = [],
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lineCounter, uniqueKeys: true, prettyErrors: false });
    this.diagnostics.push(...yamlDiagnostics(this.doc, text, this.lineCounter, file));
    if (this.doc.errors.length) return;
    if (!isMap(this.doc.contents)) {
      this.diagnostics.push({
        severity: "error",
        message: "a pipeline must be a YAML mapping (name:, source:, steps:, …)",
        location: { file, line: 1, column: 1 },
        hint: "start from pipelines/example.yaml",
      });
      return;
    }
    this.interpolate(env);
    for (const o of overrides) this.applyOverride(o);
  }

  get ok(): boolean {
    return !this.diagnostics.some((d) => d.severity === "error");
  }

  /** The document as plain JSON-like data. */
  toJS(): unknown {
    try {
      return this.doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      if (!/alias count/i.test((err as Error).message)) throw err;
      throw new PipelineError([
        {
          severity: "error",
          message: "YAML: aliases (*name) expand to too many copies (a document that grows exponentially)",
          location: this.firstAlias(),
          hint: "a pipeline needs few aliases: write the repeated values out, or use fewer nested aliases",
        },
      ]);
    }
  }

  private firstAlias(): SourceLocation {
    let offset: number | undefined;
    visit(this.doc, {
      Alias: (_, node) => {
        offset = node.range?.[0];
        return visit.BREAK;
      },
    });
    if (offset === undefined) return { file: this.file };
    const pos = this.lineCounter.linePos(offset);
    return { file: this.file, line: pos.line, column: pos.col };
  }

  /** Where the value at `path` is (or the nearest existing parent). */
  locate(path: Path): SourceLocation {
    let p = [...path];
    for (;;) {
      const node = this.nodeAt(p);
      if (node) {
        const set = this.fromSet.get(node) ?? this.setAncestor(p);
        if (set) return { file: `--set ${set}` };
        return this.locateNode(node);
      }
      if (p.length === 0) return { file: this.file, line: 1, column: 1 };
      p = p.slice(0, -1);
    }
  }

  /** Where the key `key` of the mapping at `path` is written. */
  locateKey(path: Path, key: string): SourceLocation {
    const parent = this.nodeAt(path);
    if (isMap(parent)) {
      for (const pair of parent.items) {
        if (isScalar(pair.key) && String(pair.key.value) === key) return this.locateNode(pair.key);
      }
    }
    return this.locate(path);
  }

  /** A value for a message: the `${VAR}` text for values from the environment, never a secret. */
  display(path: Path, value: unknown): string {
    const node = this.nodeAt(path);
    const env = node ? this.fromEnv.get(node) : undefined;
    if (env)
      return env.secret ? `${env.source} (value hidden)` : `${JSON.stringify(value)} (from ${env.source})`;
    const text = JSON.stringify(value);
    return text !== undefined && text.length > 80 ? `${text.slice(0, 77)}...` : String(text);
  }

  private nodeAt(path: Path): Node | undefined {
    if (path.length === 0) return this.doc.contents ?? undefined;
    const node = this.doc.getIn(path, true);
    return isNode(node) ? node : undefined;
  }

  private locateNode(node: Node): SourceLocation {
    const offset = node.range?.[0] ?? 0;
    const at = this.lineCounter.linePos(offset);
    return { file: this.file, line: at.line, column: at.col };
  }

  private setAncestor(path: Path): string | undefined {
    for (let i = path.length - 1; i >= 1; i--) {
      const node = this.nodeAt(path.slice(0, i));
      const s = node && this.fromSet.get(node);
      if (s) return s;
    }
    return undefined;
  }

  private interpolate(env: Record<string, string | undefined>): void {
    visit(this.doc, {
      Scalar: (key, node, path) => {
        if (key === "key" || typeof node.value !== "string" || !node.value.includes("${")) return;
        const source = node.value;
        const r = interpolate(source, env);
        for (const name of r.missing) {
          this.diagnostics.push({
            severity: "error",
            message: `environment variable ${name} is not set`,
            location: this.locateNode(node),
            hint: `set ${name}, or give a default: \${${name}:-value}`,
          });
        }
        node.value = isWholeReference(source) ? typedScalar(r.value) : r.value;
        const pair = path[path.length - 1];
        const field = isPair(pair) && isScalar(pair.key) ? String(pair.key.value) : "";
        // A secret-named variable, or any variable in a secret-named field (apiKey), is a secret by value.
        const secretVars = isSecretName(field) ? r.vars : r.vars.filter(isSecretName);
        for (const name of secretVars) recordSecret(name, env[name]);
        this.fromEnv.set(node, { source, secret: secretVars.length > 0 });
      },
    });
  }

  private applyOverride(expr: string): void {
    const eq = expr.indexOf("=");
    if (eq <= 0) {
      this.diagnostics.push({
        severity: "error",
        message: `--set ${JSON.stringify(expr)} is not of the form path=value`,
        location: { file: "--set" },
        hint: "write e.g. --set steps.doc2query.params.maxAttempts=5",
      });
      return;
    }
    const keys = expr.slice(0, eq).split(".");
    const raw = expr.slice(eq + 1);
    const path: Path = [];
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      if (i === 1 && path[0] === "steps" && !/^\d+$/.test(k)) {
        // Steps are addressed by id, which survives reordering.
        const steps = this.doc.get("steps", true);
        const index = isSeq(steps) ? steps.items.findIndex((s) => isMap(s) && s.get("id") === k) : -1;
        if (index < 0) {
          this.diagnostics.push({
            severity: "error",
            message: `--set ${expr}: there is no step with id "${k}"`,
            location: { file: "--set" },
            hint: "address a step by its id: steps.<id>.params.<name>=value",
          });
          return;
        }
        path.push(index);
      } else {
        path.push(/^\d+$/.test(k) && path[0] === "steps" && i === 1 ? Number(k) : k);
      }
    }
    // Numbers, booleans, null, quoted strings and [..]/{..} are YAML; anything else is the string as typed.
    let value: unknown = raw;
    if (/^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null|~|\[.*\]|\{.*\}|".*"|'.*')$/s.test(raw.trim())) {
      try {
        value = parseYamlValue(raw);
      } catch {
        // Not valid YAML after all: keep the string.
      }
    }
    const node = this.doc.createNode(value) as Node;
    try {
      this.doc.setIn(path, node);
    } catch (err) {
      this.diagnostics.push({
        severity: "error",
        message: `--set ${expr}: ${(err as Error).message}`,
        location: { file: "--set" },
        hint: "the path must lead through mappings, e.g. servings.teacher.model=gpt-4o",
      });
      return;
    }
    this.fromSet.set(node, expr.slice(0, eq));
  }
}

function typedScalar(text: string): string | number | boolean {
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (text === "true") return true;
  if (text === "false") return false;
  return text;
}
