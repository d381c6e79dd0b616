import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startChatServer } from "@dataflow/llm-serving/testing";
import { afterAll, describe, expect, it } from "vitest";

const cliDir = resolve(import.meta.dirname, "..", "..");
const pipeline = join(cliDir, "src", "testdata", "generate.yaml");
const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
if (!hasTmux) console.warn("skipping the tmux terminal test: tmux is not installed (apt-get install tmux)");

const tmp = mkdtempSync(join(tmpdir(), "dataflow-tmux-"));
// A private tmux server, so a user's sessions are never touched.
const socket = `dataflow-test-${process.pid}`;
const tmux = (...args: string[]): string =>
  execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
afterAll(() => {
  if (hasTmux) spawnSync("tmux", ["-L", socket, "kill-server"]);
  rmSync(tmp, { recursive: true, force: true });
});

const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

/** Runs the real CLI in a 150×40 tmux pane; resolves to its exit code and the pane's text. */
async function runInPane(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; pane: string }> {
  const done = join(tmp, "exit-code");
  const cli = [
    process.execPath,
    "--conditions=@dataflow/source",
    "--import",
    import.meta.resolve("tsx"),
    join(cliDir, "src", "bin.ts"),
    ...args,
  ];
  const vars = Object.entries(env).map(([k, v]) => `${k}=${quote(v)}`);
  // The pane stays open after the CLI exits (sleep) so its final screen can be captured.
  const shell = `cd ${quote(tmp)} && env ${vars.join(" ")} ${cli.map(quote).join(" ")}; echo $? > ${quote(done)}; sleep 120`;
  tmux("new-session", "-d", "-s", "run", "-x", "150", "-y", "40", shell);
  for (let i = 0; i < 600 && !existsSync(done); i++) await sleep(100);
  if (!existsSync(done)) throw new Error("the CLI did not exit within 60 s in the tmux pane");
  // tmux may still be drawing the last output: wait for the summary's last line (bounded).
  let pane = "";
  for (let i = 0; i < 50; i++) {
    pane = tmux("capture-pane", "-p", "-S", "-200", "-t", "run");
    if (pane.includes("report:")) break;
    await sleep(100);
  }
  tmux("kill-session", "-t", "run");
  return { code: Number(readFileSync(done, "utf8").trim()), pane };
}

describe.skipIf(!hasTmux)("dataflow run on a real terminal (tmux)", { timeout: 90_000 }, () => {
  it("prints retry log lines whole above the bars, which end full at the rows that could arrive", async () => {
    const server = await startChatServer({
      rules: [
        { match: /Summarise/, fault: { status: 500 }, times: 3 },
        { match: /Summarise/, reply: "a short summary" },
        { match: /Classify this note/, reply: '{"topic": "kitchen"}' },
      ],
    });
    try {
      const { code, pane } = await runInPane(
        [
          "run",
          pipeline,
          "--output",
          join(tmp, "out.jsonl"),
          "--set",
          `cache.dir=${join(tmp, "cache")}`,
          "--set",
          "servings.writer.maxRetries=4",
          "--verbose",
        ],
        { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test-secret-123456" },
      );
      const lines = pane.split("\n");
      expect(code, pane).toBe(0);
      // dedup filters one of the 4 rows: 3 can reach the later steps, and all 3 did.
      const bar = (step: string, n: number) =>
        lines.findIndex((l) => new RegExp(`^ ${step} +\\|[█░]+\\| ${n}/${n} rows \\|`).test(l));
      const bars = [bar("dedup", 4), bar("summarise", 3), bar("classify", 3)];
      expect(
        bars.every((i) => i >= 0),
        pane,
      ).toBe(true);
      expect(bars).toEqual([bars[0], (bars[0] ?? 0) + 1, (bars[0] ?? 0) + 2]);
      const retries = lines.flatMap((l, i) => (/retry \d of 4/.test(l) ? [i] : []));
      expect(retries.length, pane).toBe(3);
      for (const i of retries) {
        expect(lines[i]).toMatch(
          /^debug: \[serving\] serving "writer": \w+ \(HTTP 500\); retry \d of 4 in \d+ ms$/,
        );
        expect(i).toBeLessThan(bars[0] ?? 0);
      }
      expect(pane).not.toContain("sk-test-secret-123456");
    } finally {
      await server.close();
    }
  });
});
