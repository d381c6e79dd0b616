import { readFileSync } from "node:fs";

/** This CLI's version, from its package.json (two folders up from src/startup and dist/startup alike). */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version?: string;
  };
  return pkg.version ?? "unknown";
}
