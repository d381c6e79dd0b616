// Writes schemas/<format>.schema.json from the TypeScript schemas; src/schema-files.test.ts checks they match.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { schemaFiles } from "../src/schema-files.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
for (const { path, text } of schemaFiles()) {
  writeFileSync(join(root, path), text);
  console.log(`wrote ${path}`);
}
