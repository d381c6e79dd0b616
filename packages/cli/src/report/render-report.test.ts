import type { RunSummary } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { renderReport } from "./render-report.js";

const summary: RunSummary = {
  pipeline: "p",
  status: "ok",
  source: { read: 2, bad: 0, bytesRead: 0, done: true },
  steps: [],
  written: 2,
  rejected: 0,
  filtered: 0,
  rejectRate: 0,
  maxRejectRate: 0.1,
  reconciled: true,
  durationMs: 1000,
  endpoints: {
    teacher: [
      {
        url: "http://10.0.0.2:8000/v1",
        requests: 12,
        errors: 0,
        p50Ms: 80,
        p95Ms: 120,
        takenOut: 0,
        inRotation: true,
      },
      { url: "http://10.0.0.3:8000/v1", requests: 4, errors: 5, takenOut: 1, inRotation: false },
    ],
  },
};

describe("the run report", () => {
  it("lists each endpoint of a serving spread over several, with its requests, errors and latency", () => {
    const html = renderReport({ summary, pipeline: "p.yaml", generatedAt: "now", rejects: [], sample: [] });
    expect(html).toContain(
      "<th>endpoint of teacher</th><td>http://10.0.0.2:8000/v1: 12 requests, 0 errors, p50 80 ms, p95 120 ms</td>",
    );
    expect(html).toContain(
      "http://10.0.0.3:8000/v1: 4 requests, 5 errors, taken out 1× (out of rotation at the end)",
    );
  });
});
