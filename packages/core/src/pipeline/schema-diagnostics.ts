import type { ErrorObject } from "ajv";
import { didYouMean } from "../util/did-you-mean.js";
import type { Diagnostic } from "../contracts/errors.js";
import type { JSONSchema } from "../contracts/json-schema.js";
import type { Path, PipelineDocument } from "./pipeline-document.js";

function pointerToPath(pointer: string): Path {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describePath(path: Path): string {
  return path.length
    ? path
        .map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`))
        .join("")
        .replace(/^\./, "")
    : "(top level)";
}

/**
 * Turn ajv errors into diagnostics located in the YAML, each with a fix.
 * `base` is where the validated value sits in the document (e.g. a step's params).
 */
export function schemaDiagnostics(
  errors: readonly ErrorObject[],
  doc: PipelineDocument,
  base: Path,
  what: string,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  // anyOf/oneOf report every branch; the branch errors say more than the summary.
  const specific = errors.filter((e) => !["anyOf", "oneOf", "if"].includes(e.keyword) || errors.length === 1);
  for (const e of specific.length ? specific : errors) {
    const path = [...base, ...pointerToPath(e.instancePath)];
    const where = describePath(path);
    const parent = e.parentSchema as JSONSchema | undefined;
    let d: Diagnostic;
    switch (e.keyword) {
      case "required": {
        const missing = (e.params as { missingProperty: string }).missingProperty;
        d = {
          severity: "error",
          message: `${what}: ${where} is missing required property "${missing}"`,
          location: doc.locate(path),
          hint: `add "${missing}:"${propertyHint(parent, missing)}`,
        };
        break;
      }
      case "additionalProperties": {
        const extra = (e.params as { additionalProperty: string }).additionalProperty;
        const allowed = Object.keys(parent?.properties ?? {});
        const close = didYouMean(extra, allowed);
        d = {
          severity: "error",
          message: `${what}: unknown property "${extra}" in ${where}`,
          location: doc.locateKey(path, extra),
          hint: close || (allowed.length ? `allowed here: ${allowed.join(", ")}` : "remove it"),
        };
        if (extra === "apiKey")
          d.hint =
            "API keys never go in the pipeline file: set OPENAI_API_KEY (or the variable named by apiKeyEnv) in the environment";
        break;
      }
      case "enum": {
        const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
        const value = e.data;
        const close = typeof value === "string" ? didYouMean(value, allowed.map(String)) : "";
        d = {
          severity: "error",
          message: `${what}: ${where} is ${doc.display(path, value)}, not one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`,
          location: doc.locate(path),
          hint: close || `use one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`,
        };
        break;
      }
      case "type": {
        const expected = (e.params as { type: string | string[] }).type;
        d = {
          severity: "error",
          message: `${what}: ${where} must be ${[expected].flat().join(" or ")}, got ${typeName(e.data)} ${doc.display(path, e.data)}`,
          location: doc.locate(path),
          hint: `write ${where} as ${[expected].flat().map(article).join(" or ")}`,
        };
        break;
      }
      default: {
        d = {
          severity: "error",
          message: `${what}: ${where} ${e.message ?? "is invalid"} (got ${doc.display(path, e.data)})`,
          location: doc.locate(path),
          hint: parent?.description
            ? `expected: ${parent.description}`
            : `see \`dataflow schema\` for what ${where} accepts`,
        };
      }
    }
    const key = `${d.message}@${d.location?.line}:${d.location?.column}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(d);
    }
  }
  return out;
}

function propertyHint(parent: JSONSchema | undefined, name: string): string {
  const desc = parent?.properties?.[name]?.description;
  return desc ? ` (${desc})` : "";
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "a mapping";
  return `a ${typeof v}`;
}

function article(t: string): string {
  const names: Record<string, string> = {
    object: "a mapping",
    array: "a list",
    string: "a string",
    integer: "an integer",
    number: "a number",
    boolean: "true or false",
    null: "null",
  };
  return names[t] ?? t;
}
