import { describe, expect, it, vi } from "vitest";
import { downloadProgress, formatBytes } from "./download-progress.js";

const logger = () => ({ debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() });

describe("downloadProgress", () => {
  it("redraws one line in place on a terminal, and ends it", () => {
    let t = 0;
    const written: string[] = [];
    const p = downloadProgress("model.gguf", {
      stream: { isTTY: true, write: (s: string) => written.push(s) },
      logger: logger(),
      now: () => t,
    });
    t = 1_000;
    p.update(250e6, 1e9);
    t = 1_050;
    p.update(260e6, 1e9); // too soon to redraw
    t = 2_000;
    p.update(1e9, 1e9);
    p.finish();
    expect(written).toHaveLength(3);
    expect(written[0]).toBe(
      "\r\x1b[2Kmodel.gguf ██████░░░░░░░░░░░░░░░░░░ 25% 250.0 MB/1.00 GB (250.0 MB/s, 3 s left)",
    );
    expect(written[1]).toMatch(/ 100% 1\.00 GB\/1\.00 GB/);
    expect(written[2]).toBe("\n");
  });

  it("logs a plain line per 10% when the stream is not a terminal", () => {
    const log = logger();
    const p = downloadProgress("model.gguf", {
      stream: { write: () => true },
      logger: log,
      now: () => 1_000,
    });
    for (let done = 0; done <= 100; done += 5) p.update(done * 1e6, 100e6);
    p.finish();
    expect(log.info).toHaveBeenCalledTimes(11);
    expect(log.info).toHaveBeenLastCalledWith(expect.stringMatching(/^model\.gguf: 100% of 100\.0 MB/));
  });

  it("formats sizes", () => {
    expect([formatBytes(512), formatBytes(1_500), formatBytes(2.5e6), formatBytes(1.117e9)]).toEqual([
      "512 B",
      "2 kB",
      "2.5 MB",
      "1.12 GB",
    ]);
  });
});
