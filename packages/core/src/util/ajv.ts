import { Ajv2020 } from "ajv/dist/2020.js";

/** One ajv configuration for the whole framework: draft 2020-12, all errors, defaults filled. */
export function createAjv(): Ajv2020 {
  return new Ajv2020({ allErrors: true, useDefaults: true, strict: false, verbose: true });
}
