import { createHash, randomBytes } from "node:crypto";
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { join } from "node:path";
import type { ValidateFunction } from "ajv";
import type { JSONSchema } from "../contracts/json-schema.js";
import { AJV_OPTIONS, createAjv } from "./ajv.js";

// Resolves the ajv runtime helpers (`ajv/dist/runtime/…`) that generated validators require.
const require = createRequire(import.meta.url);
/** Bump when the stored module's shape changes, so old files are not read. */
const FORMAT = 1;
/** Files kept in the cache folder; older ones are removed when a new one is written. */
const KEEP = 64;

/**
 * Where compiled validators are kept: $DATAFLOW_VALIDATOR_CACHE, else
 * $XDG_CACHE_HOME/dataflow/validators (~/.cache when unset); undefined when that variable is "off".
 */
export function validatorCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const set = env.DATAFLOW_VALIDATOR_CACHE;
  if (set === "off") return undefined;
  if (set) return set;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "dataflow", "validators");
}

/**
 * ajv's validator for `schema` (createAjv's options), read from the disk cache when an earlier
 * process compiled the same schema: compiling a large schema costs ~150 ms, loading its code ~5 ms.
 * The file is named by a digest of the schema text (key order included, since it orders the
 * errors), the ajv version and the options, so any change to the schema misses and recompiles.
 */
export function cachedValidator(schema: JSONSchema, dir = validatorCacheDir()): ValidateFunction {
  if (dir === undefined) return createAjv().compile(schema);
  const file = join(dir, `${validatorKey(schema)}.cjs`);
  return loadValidator(file) ?? compileAndStore(schema, dir, file);
}

function validatorKey(schema: JSONSchema): string {
  const { version } = require("ajv/package.json") as { version: string };
  return createHash("sha256")
    .update(`${FORMAT}\n${version}\n${JSON.stringify(AJV_OPTIONS)}\n${JSON.stringify(schema)}`)
    .digest("hex")
    .slice(0, 40);
}

/** The validator stored in `file`, or undefined when there is none or it does not load. */
function loadValidator(file: string): ValidateFunction | undefined {
  let code: string;
  try {
    code = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    const module = { exports: {} as unknown };
    // The stored text is ajv's standalone CommonJS module; it runs with this package's require.
    new Function("require", "module", "exports", code)(require, module, module.exports);
    return typeof module.exports === "function" ? (module.exports as ValidateFunction) : undefined;
  } catch {
    return undefined;
  }
}

/** Compile with ajv, store the standalone code (best effort: a read-only cache only costs time). */
function compileAndStore(schema: JSONSchema, dir: string, file: string): ValidateFunction {
  const ajv = createAjv({ code: { source: true } });
  const validate = ajv.compile(schema);
  try {
    const standaloneCode = require("ajv/dist/standalone/index.js").default as (
      a: typeof ajv,
      v: ValidateFunction,
    ) => string;
    mkdirSync(dir, { recursive: true });
    const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    writeFileSync(temp, standaloneCode(ajv, validate));
    renameSync(temp, file); // atomic: a reader sees the old file or the whole new one
    prune(dir);
  } catch {
    // Not writable (or a race with another process's prune): the validator still works.
  }
  return validate;
}

/** Keep the KEEP newest files: each plugin set or schema change leaves one behind. */
function prune(dir: string): void {
  const files = readdirSync(dir).filter((f) => f.endsWith(".cjs"));
  if (files.length <= KEEP) return;
  const dated = files.map((f) => ({ path: join(dir, f), at: statSync(join(dir, f)).mtimeMs }));
  dated.sort((a, b) => b.at - a.at);
  for (const old of dated.slice(KEEP)) unlinkSync(old.path);
}
