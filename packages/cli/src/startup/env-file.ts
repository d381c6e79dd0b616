import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";

export interface EnvFileResult {
  /** The file read, when there was one. */
  file?: string;
  /** Names set from it (values are never reported: they are often keys). */
  loaded: string[];
  /** Names it also sets that the environment already had, which won. */
  kept: string[];
  /** Why it could not be read (an error code, never its contents). */
  problem?: string;
}

/**
 * Read `.env` in `dir` into `env`, as Node's own parser reads it. A variable already set in the
 * environment wins over the file, so `OPENAI_API_KEY=… dataflow run` overrides a `.env` key.
 */
export function loadEnvFile(dir: string, env: Record<string, string | undefined>): EnvFileResult {
  const file = join(dir, ".env");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { loaded: [], kept: [] };
    return { file, loaded: [], kept: [], problem: code ?? "unreadable" };
  }
  const loaded: string[] = [];
  const kept: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (env[name] !== undefined) kept.push(name);
    else {
      env[name] = value;
      loaded.push(name);
    }
  }
  return { file, loaded, kept };
}
