import { createRequire } from "node:module";
import type { Ajv2020, Options } from "ajv/dist/2020.js";

// ajv's compiler costs ~50 ms to load; loaded on first use, so a start-up whose validators all
// come from the disk cache (schema-validator-cache.ts) never loads it.
const require = createRequire(import.meta.url);

/** The options every framework validator is compiled with: draft 2020-12, all errors, defaults filled. */
export const AJV_OPTIONS = { allErrors: true, useDefaults: true, strict: false, verbose: true } as const;

/** One ajv configuration for the whole framework (AJV_OPTIONS, plus any extra `options`). */
export function createAjv(options: Options = {}): Ajv2020 {
  const { Ajv2020: Ajv } = require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  return new Ajv({ ...AJV_OPTIONS, ...options });
}
