import { Subject } from "rxjs";
import { describe, expect, it } from "vitest";
import type { RowRecord } from "../contracts/row.js";
import { createStepContext } from "../contracts/step-context.js";
import { runOperator } from "../testing/run-operator.js";
import { SampleOperator, type SampleParams, sampleScore } from "./sample.js";

const input = Array.from({ length: 1000 }, (_, i) => ({ n: i }));

describe("sampleScore", () => {
  it("is fixed by seed and id, and spread over [0, 1)", () => {
    expect(sampleScore(0, "1")).toBe(sampleScore(0, "1"));
    expect(sampleScore(0, "1")).not.toBe(sampleScore(1, "1"));
    const scores = Array.from({ length: 2000 }, (_, i) => sampleScore(7, String(i)));
    expect(Math.min(...scores)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...scores)).toBeLessThan(1);
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});

describe("core/sample with fraction", () => {
  it("keeps about the fraction, in input order, dropping the rest as not sampled", async () => {
    const r = await runOperator(SampleOperator, input, { params: { fraction: 0.2 } });
    expect(r.rows.length).toBeGreaterThan(150);
    expect(r.rows.length).toBeLessThan(250);
    const ns = r.rows.map((row) => row.n as number);
    expect(ns).toEqual([...ns].sort((a, b) => a - b));
    expect(r.filtered.length + r.rows.length).toBe(1000);
    expect(new Set(r.filtered.map((f) => f.reason))).toEqual(new Set(["not sampled"]));
  });

  it("depends only on seed and row id, not on the other rows", async () => {
    const a = await runOperator(SampleOperator, input, { params: { fraction: 0.3, seed: 1 } });
    const tail = input.slice(500).map((row, i) => ({ id: String(501 + i), row }));
    const b = await runOperator(SampleOperator, tail, { params: { fraction: 0.3, seed: 1 } });
    expect(b.records.map((x) => x.id)).toEqual(a.records.map((x) => x.id).filter((id) => Number(id) > 500));
    const c = await runOperator(SampleOperator, input, { params: { fraction: 0.3, seed: 2 } });
    expect(c.rows).not.toEqual(a.rows);
  });

  it("keeps everything with fraction 1", async () => {
    const r = await runOperator(SampleOperator, input.slice(0, 50), { params: { fraction: 1 } });
    expect(r.rows).toEqual(input.slice(0, 50));
  });

  it("streams: emits a row before the input completes", async () => {
    const ctx = createStepContext<SampleParams>({
      stepId: "s",
      spec: SampleOperator.spec,
      params: { fraction: 1, seed: 0 },
      report: { filtered() {}, rejected() {}, expanded() {}, replayed() {}, hold() {}, release() {} },
    });
    const source = new Subject<RowRecord>();
    const emitted: RowRecord[] = [];
    let completed = false;
    new SampleOperator()
      .run(source, ctx)
      .subscribe({ next: (r) => emitted.push(r), complete: () => (completed = true) });
    await new Promise((resolve) => setTimeout(resolve, 0));
    source.next({ id: "1", row: { n: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(emitted).toEqual([{ id: "1", row: { n: 1 } }]);
    source.complete();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(completed).toBe(true);
  });
});

describe("core/sample with size", () => {
  it("keeps exactly size rows, in input order", async () => {
    const r = await runOperator(SampleOperator, input, { params: { size: 37, seed: 3 } });
    expect(r.rows).toHaveLength(37);
    const ns = r.rows.map((row) => row.n as number);
    expect(ns).toEqual([...ns].sort((a, b) => a - b));
    expect(r.filtered).toHaveLength(963);
    expect(r.filtered[0]?.reason).toBe("not sampled");
  });

  it("picks the rows with the lowest scores, consistent with fraction", async () => {
    const bySize = await runOperator(SampleOperator, input, { params: { size: 100 } });
    const ids = bySize.records.map((r) => r.id);
    const expected = input
      .map((_, i) => String(i + 1))
      .sort((a, b) => sampleScore(0, a) - sampleScore(0, b))
      .slice(0, 100);
    expect(new Set(ids)).toEqual(new Set(expected));
    const cut = Math.max(...ids.map((id) => sampleScore(0, id)));
    const byFraction = await runOperator(SampleOperator, input, { params: { fraction: cut + 1e-12 } });
    expect(byFraction.records.map((r) => r.id)).toEqual(ids);
  });

  it("is deterministic across runs and changes with the seed", async () => {
    const a = await runOperator(SampleOperator, input, { params: { size: 10, seed: 5 } });
    const b = await runOperator(SampleOperator, input, { params: { size: 10, seed: 5 } });
    const c = await runOperator(SampleOperator, input, { params: { size: 10, seed: 6 } });
    expect(a.rows).toEqual(b.rows);
    expect(a.rows).not.toEqual(c.rows);
  });

  it("keeps every row when there are fewer than size", async () => {
    const r = await runOperator(SampleOperator, input.slice(0, 5), { params: { size: 10 } });
    expect(r.rows).toEqual(input.slice(0, 5));
    expect(r.filtered).toEqual([]);
  });
});

describe("core/sample params", () => {
  it("needs exactly one of fraction and size", async () => {
    const bad = (params: Record<string, unknown>) => runOperator(SampleOperator, [], { params });
    await expect(bad({})).rejects.toThrow(/must have required property 'fraction'/);
    await expect(bad({ fraction: 0.5, size: 3 })).rejects.toThrow(/must match exactly one schema in oneOf/);
    await expect(bad({ fraction: 0 })).rejects.toThrow(/must be > 0/);
    await expect(bad({ fraction: 1.5 })).rejects.toThrow(/must be <= 1/);
    await expect(bad({ size: 0 })).rejects.toThrow(/must be >= 1/);
    await expect(bad({ size: 2.5 })).rejects.toThrow(/must be integer/);
    await expect(bad({ fraction: 0.5, seed: "x" })).rejects.toThrow(/must be integer/);
    await expect(bad({ fraction: 0.5, rate: 1 })).rejects.toThrow(/additional properties/);
  });
});
