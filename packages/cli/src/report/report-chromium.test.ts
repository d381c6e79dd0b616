import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { ChatServer } from "@dataflow/llm-serving/testing";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIO } from "../cli-test-io.js";
import { runCli } from "../run-cli.js";
import { startRareServer } from "../testdata/rare-replies.js";

const CHROMIUM = "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const repoRoot = resolve(import.meta.dirname, "../../../..");
const tmp = mkdtempSync(join(tmpdir(), "dataflow-report-"));
const FILLER =
  " A wheel builder checks tension spoke by spoke, then trues the rim by small turns of the nipples.".repeat(
    3,
  );
const HOSTILE = `Spoke tension <img src=x onerror="document.title='pwned'"> decides wheel true.</td></table><script>document.title='pwned'</script>${FILLER}`;

/** A note whose text is markup, five bundled notes, one the teacher cannot answer (a reject with raw output). */
function writeInput(): string {
  const notes = readFileSync(join(repoRoot, "pipelines", "data", "rare-docs.jsonl"), "utf8")
    .trim()
    .split("\n");
  const rows = [
    JSON.stringify({ text: HOSTILE }),
    ...notes.slice(1, 6),
    JSON.stringify({ text: `UNANSWERABLE note.${FILLER}` }),
  ];
  const path = join(tmp, "notes.jsonl");
  writeFileSync(path, `${rows.join("\n")}\n`);
  return path;
}

let server: ChatServer;
let context: BrowserContext | undefined;
beforeAll(async () => {
  server = await startRareServer([{ match: "UNANSWERABLE", reply: "I <b>cannot</b> help with that." }]);
  if (haveChromium)
    context = await chromium.launchPersistentContext(join(tmp, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
    });
});
afterAll(async () => {
  await context?.close();
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

// Runs in the page (this package has no DOM types): decodes a PNG and counts its ink and colours.
const INK_OF = `async (b64) => {
  const img = new Image();
  img.src = "data:image/png;base64," + b64;
  await img.decode();
  const canvas = document.createElement("canvas");
  canvas.width = img.width;
  canvas.height = img.height;
  const g = canvas.getContext("2d");
  g.drawImage(img, 0, 0);
  const { data } = g.getImageData(0, 0, img.width, img.height);
  let ink = 0;
  const colours = new Set();
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240) ink++;
    colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  }
  return { ink: ink / (data.length / 4), colours: colours.size };
}`;

/** The share of non-white pixels and the number of distinct colours in a PNG, decoded by the browser itself. */
function inkOf(page: Page, png: Buffer): Promise<{ ink: number; colours: number }> {
  return page.evaluate(`(${INK_OF})(${JSON.stringify(png.toString("base64"))})`);
}

describe.skipIf(!haveChromium)(
  `the HTML run report in headless Chromium${haveChromium ? "" : ` (skipped: ${CHROMIUM} is absent; CI installs it)`}`,
  () => {
    it("loads with no console errors and no requests, escapes row text, and draws its charts", async () => {
      const output = join(tmp, "out", "rare.jsonl");
      const c = captureIO({ OPENAI_BASE_URL: server.url, DATAFLOW_MODEL: "test-model" });
      const args = [
        "run",
        join(repoRoot, "pipelines", "rare.yaml"),
        "--input",
        writeInput(),
        "--output",
        output,
      ];
      const code = await runCli([...args, "--set", `cache.dir=${join(tmp, "cache")}`], c.io);
      expect(code, c.stderr()).toBe(0);
      const report = join(tmp, "out", "rare.report.html");
      expect(c.stdout()).toContain(`report: ${report}`);

      const page = await (context as BrowserContext).newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(m.text());
      });
      page.on("pageerror", (e) => problems.push(e.message));
      page.on("request", (r) => requests.push(r.url()));
      await page.setViewportSize({ width: 1100, height: 900 });
      await page.goto(`file://${report}`);
      await page.screenshot({ path: join(tmp, "report.png"), fullPage: true });

      expect(problems).toEqual([]);
      expect(requests).toEqual([`file://${report}`]);
      expect(await page.title()).toBe("run report: rare");
      expect(await page.locator("img, script").count()).toBe(0);
      const text = (await page.locator("body").textContent()) ?? "";
      expect(text).toContain(`<img src=x onerror="document.title='pwned'">`);
      expect(text).toMatch(/doc2query: 1× \w+/);
      expect(text).toContain("I <b>cannot</b> help with that.");
      expect(text).toMatch(/negatives: bm25_margin/);
      expect(text).toMatch(/doc2query: question_chars/);

      const charts = page.locator("svg.chart");
      expect(await charts.count()).toBeGreaterThanOrEqual(6);
      for (const chart of [charts.first(), charts.nth(1), charts.last()]) {
        const { ink, colours } = await inkOf(page, await chart.screenshot());
        expect(ink).toBeGreaterThan(0.05);
        expect(colours).toBeGreaterThan(2);
      }
      await page.close();
    }, 60_000);
  },
);
