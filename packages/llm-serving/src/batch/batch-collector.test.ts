import { afterEach, describe, expect, it, vi } from "vitest";
import { BatchCollector } from "./batch-collector.js";
import type { BatchLine } from "./batch-line.js";

const line = (id: string, bytes = 10): BatchLine => ({ customId: id, text: id, bytes });

afterEach(() => vi.useRealTimers());

describe("BatchCollector", () => {
  it("seals a file as soon as it holds maxRequests lines", () => {
    const sealed: string[][] = [];
    const c = new BatchCollector({ maxRequests: 2, maxBytes: 1_000, idleMs: 1_000 }, (l) =>
      sealed.push(l.map((x) => x.customId)),
    );
    for (const id of ["a", "b", "c"]) c.add(line(id));
    expect(sealed).toEqual([["a", "b"]]);
    expect(c.size).toBe(1);
    c.stop();
  });

  it("seals before a line would pass maxBytes; a line alone is never held back", () => {
    const sealed: string[][] = [];
    const c = new BatchCollector({ maxRequests: 100, maxBytes: 25, idleMs: 1_000 }, (l) =>
      sealed.push(l.map((x) => x.customId)),
    );
    c.add(line("a"));
    c.add(line("b"));
    c.add(line("c")); // 30 bytes would pass 25
    c.add(line("big", 40));
    expect(sealed).toEqual([["a", "b"], ["c"]]);
    c.flush();
    expect(sealed.at(-1)).toEqual(["big"]);
  });

  it("seals the tail once no line arrived for idleMs; a line already waiting is not added twice", () => {
    vi.useFakeTimers();
    const sealed: string[][] = [];
    const c = new BatchCollector({ maxRequests: 100, maxBytes: 1_000, idleMs: 50 }, (l) =>
      sealed.push(l.map((x) => x.customId)),
    );
    c.add(line("a"));
    vi.advanceTimersByTime(40);
    c.add(line("b"));
    c.add(line("a"));
    vi.advanceTimersByTime(40);
    expect(sealed).toEqual([]);
    vi.advanceTimersByTime(10);
    expect(sealed).toEqual([["a", "b"]]);
  });

  it("drops a removed line and stops waiting when none is left", () => {
    vi.useFakeTimers();
    const seal = vi.fn();
    const c = new BatchCollector({ maxRequests: 100, maxBytes: 1_000, idleMs: 50 }, seal);
    c.add(line("a"));
    expect(c.remove("a")).toBe(true);
    expect(c.remove("a")).toBe(false);
    vi.advanceTimersByTime(100);
    expect(seal).not.toHaveBeenCalled();
  });
});
