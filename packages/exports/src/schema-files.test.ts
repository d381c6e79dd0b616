import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { schemaFilePath, schemaFiles } from "./schema-files.js";
import { EXPORT_FORMATS, EXPORT_SCHEMAS } from "./validate.js";

const packageRoot = new URL("../", import.meta.url);

describe("committed schemas/*.schema.json", () => {
  it.each(EXPORT_FORMATS)(
    "%s equals the TypeScript schema (regenerate with `pnpm --filter @dataflow/exports schemas`)",
    (format) => {
      const text = readFileSync(new URL(schemaFilePath(format), packageRoot), "utf8");
      expect(JSON.parse(text)).toEqual(EXPORT_SCHEMAS[format]);
      expect(text).toBe(schemaFiles().find((f) => f.path === schemaFilePath(format))?.text);
    },
  );

  it("holds no schema of a format that no longer exists", () => {
    expect(readdirSync(new URL("schemas/", packageRoot)).sort()).toEqual(
      EXPORT_FORMATS.map((f) => `${f}.schema.json`).sort(),
    );
  });
});
