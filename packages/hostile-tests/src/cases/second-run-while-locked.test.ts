import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { afterAll, expect, it } from "vitest";
import { expectCleanError, jsonl, runDataflow, Workspace } from "../harness/index.js";

const ws = new Workspace();
afterAll(() => ws.remove());

const pipeline = [
  "name: locked",
  "source: { path: in.jsonl }",
  "output: { path: out.jsonl }",
  "cache: { dir: .cache }",
  "steps:",
  "  - { id: keep, op: core/length-filter, params: { column: text, min: 1 } }",
  "",
].join("\n");

it("a second run (also --fresh) while a live process holds the lock fails at once, naming the holder, and clears nothing", async () => {
  ws.write("in.jsonl", jsonl([{ text: "a row" }]));
  const file = ws.write("locked.yaml", pipeline);
  const first = await runDataflow(["run", file]);
  expect(first.code, first.stderr).toBe(0);
  // Stands for a step's cache: what --fresh would delete (this filter step caches nothing itself).
  ws.write(".cache/locked/steps/keep.jsonl", "{}\n");
  const cached = ws.files(".cache");
  expect(cached).toContain(".cache/locked/manifest.json");

  // The holder is this test's own process: alive, on this host, so the lock must not be broken.
  const started = "2026-12-05T21:00:00.000Z";
  ws.write(
    ".cache/locked/.lock/owner.json",
    JSON.stringify({ pid: process.pid, host: hostname(), started, nonce: "held-by-test" }),
  );
  for (const extra of [[], ["--fresh"]]) {
    const r = await runDataflow(["run", file, ...extra]);
    expectCleanError(r, {
      exit: 2,
      wording: [
        `pipeline "locked": another run holds the lock on this pipeline's cache (pid ${process.pid} on host ${hostname()}, started ${started})`,
        `wait for it to finish, or stop it; if that process is gone from another host, remove ${ws.path(".cache/locked/.lock")}`,
      ],
    });
  }
  expect(ws.files(".cache")).toEqual([...cached, ".cache/locked/.lock/owner.json"].sort());
  expect(existsSync(ws.path(".cache/locked/.lock"))).toBe(true);
});
