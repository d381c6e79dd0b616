import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadEnvFile } from "./env-file.js";
import { ENVIRONMENT_VARIABLES } from "./env-help.js";
import { userCwd } from "./user-cwd.js";

const cliDir = resolve(import.meta.dirname, "..", "..");
const repoRoot = resolve(cliDir, "..", "..");
const tmp = mkdtempSync(join(tmpdir(), "dataflow-start-up-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real CLI from its sources, as `pnpm dataflow` runs it when dist/ is stale. */
function dataflow(
  args: string[],
  o: { cwd?: string; env?: Record<string, string>; pipeTo?: string; preload?: string } = {},
): Promise<Ran> {
  const node = [
    ...(o.preload ? ["--import", o.preload] : []),
    "--conditions=@dataflow/source",
    "--import",
    import.meta.resolve("tsx"),
  ];
  const command = [process.execPath, ...node, join(cliDir, "src", "bin.ts"), ...args]
    .map((a) => `'${a}'`)
    .join(" ");
  // A real pipe into a reader that stops early, as `| head -1` does.
  const shell = o.pipeTo ? `${command} | ${o.pipeTo}` : command;
  const child = spawn("bash", ["-c", `set -o pipefail; ${shell}`], {
    cwd: o.cwd ?? repoRoot,
    env: { ...process.env, ...o.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  return new Promise((r) => child.on("close", (code) => r({ code, stdout, stderr })));
}

describe("the dataflow process at start-up", { timeout: 60_000 }, () => {
  it("prints its version, and lists the environment variables in --help", async () => {
    const version = JSON.parse(readFileSync(join(cliDir, "package.json"), "utf8")).version;
    expect((await dataflow(["--version"])).stdout.trim()).toBe(version);
    const help = await dataflow(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Environment variables:");
    for (const [name] of ENVIRONMENT_VARIABLES) expect(help.stdout).toContain(name);
    expect(help.stdout).toContain(".env");
  });

  it("ends quietly when the reader of its output stops early (EPIPE)", async () => {
    const ran = await dataflow(["operators", "--json"], { pipeTo: "head -c 1" });
    expect(ran.stdout).toBe("[");
    expect(ran.stderr).toBe("");
    expect(ran.code).toBe(0);
  });

  it("resolves command-line paths from where `pnpm dataflow` was typed (INIT_CWD)", async () => {
    const pipelines = join(repoRoot, "pipelines");
    const ran = await dataflow(["validate", "example.yaml"], {
      cwd: repoRoot,
      env: {
        INIT_CWD: pipelines,
        npm_lifecycle_event: "dataflow",
        npm_package_name: "dataflow-ts",
        npm_package_json: join(repoRoot, "package.json"),
      },
    });
    expect(ran.stderr).toBe("");
    expect(ran.stdout).toContain("valid");
    expect(ran.code).toBe(0);
  });

  it("reads .env from the working directory without printing its values; the environment wins", async () => {
    const dir = mkdtempSync(join(tmp, "env-"));
    writeFileSync(join(dir, ".env"), "DATAFLOW_LOCAL_GPU=sideways\nOPENAI_API_KEY=from-file\n");
    writeFileSync(join(dir, "in.jsonl"), '{"id":"a","text":"x"}\n');
    writeFileSync(
      join(dir, "p.yaml"),
      "name: p\nsource: { path: in.jsonl }\nservings:\n  t: { type: local, model: /nowhere/m.gguf }\nsteps:\n  - { id: g, op: llm/generate, serving: t, params: { prompt: '{{text}}' } }\n",
    );
    // A malformed value read from .env reaches the local serving's check, which names the variable.
    const ran = await dataflow(["run", "p.yaml"], { cwd: dir, env: { OPENAI_API_KEY: "from-env" } });
    expect(ran.stderr).toContain("DATAFLOW_LOCAL_GPU must be one of");
    expect(ran.code).toBe(2);
    const env: Record<string, string | undefined> = { OPENAI_API_KEY: "from-env" };
    expect(loadEnvFile(dir, env)).toEqual({
      file: join(dir, ".env"),
      loaded: ["DATAFLOW_LOCAL_GPU"],
      kept: ["OPENAI_API_KEY"],
    });
    expect(env.OPENAI_API_KEY).toBe("from-env");
    expect(loadEnvFile(tmp, {})).toEqual({ loaded: [], kept: [] });
  });

  it("refuses Node older than 22.12 with one line and exit code 2", async () => {
    const fake = join(tmp, "old-node.mjs");
    writeFileSync(fake, 'Object.defineProperty(process.versions, "node", { value: "18.20.8" });\n');
    const child = spawn(process.execPath, ["--import", fake, join(cliDir, "bin", "dataflow.js"), "--help"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));
    const code = await new Promise((r) => child.on("close", r));
    expect(stderr).toBe(
      "dataflow needs Node ≥ 22.12; this is v18.20.8 — install Node 22 LTS or newer (https://nodejs.org/en/download, or `nvm install 22`)\n",
    );
    expect(code).toBe(2);
  });
});

describe("userCwd", () => {
  const script = {
    INIT_CWD: "/w/pipelines",
    npm_lifecycle_event: "dataflow",
    npm_package_name: "dataflow-ts",
    npm_package_json: "/w/package.json",
  };
  it("trusts INIT_CWD only from this workspace's dataflow script", () => {
    expect(userCwd(script, "/w")).toBe("/w/pipelines");
    expect(userCwd({ ...script, INIT_CWD: "/w" }, "/w")).toBeUndefined();
    expect(userCwd({ ...script, npm_lifecycle_event: "gen" }, "/w")).toBeUndefined();
    expect(userCwd({ ...script, npm_package_name: "my-app" }, "/w")).toBeUndefined();
    expect(userCwd({ ...script, npm_package_json: "/app/package.json" }, "/w")).toBeUndefined();
    expect(userCwd({}, "/w")).toBeUndefined();
  });
});

describe("--help's environment variables", () => {
  it("name every variable the framework's sources read", () => {
    // Read by tooling, not settings a user gives the framework.
    const notSettings = new Set(["NODE_OPTIONS", "VITEST", "PATH", "HOME", "INIT_CWD"]);
    const listed = ENVIRONMENT_VARIABLES.flatMap(([names]) => names.split(", "));
    const read = new Set<string>();
    for (const file of sources(join(repoRoot, "packages"))) {
      const text = readFileSync(file, "utf8");
      const reads = /\benv(?:\.([A-Z][A-Z0-9_]+)|\[\s*"([A-Z][A-Z0-9_]+)"\s*\]|, "([A-Z][A-Z0-9_]+)")/g;
      for (const m of text.matchAll(reads)) {
        const name = m[1] ?? m[2] ?? m[3];
        if (name && !notSettings.has(name) && !name.startsWith("npm_")) read.add(name);
      }
    }
    expect(read.size).toBeGreaterThan(5);
    expect([...read].filter((n) => !listed.includes(n))).toEqual([]);
  });
});

/** Non-test TypeScript under packages/*\/src. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      return name === "node_modules" || name === "dist" || name === "testdata" ? [] : sources(path);
    }
    return name.endsWith(".ts") && !name.endsWith(".test.ts") && path.includes("/src/") ? [path] : [];
  });
}
