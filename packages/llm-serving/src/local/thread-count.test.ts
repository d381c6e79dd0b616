import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { cgroupCpuQuota, defaultThreadCount } from "./thread-count.js";

describe("defaultThreadCount", () => {
  it("is the cores available, capped by the CPU quota and the math cores, and at least 1", () => {
    const cores = availableParallelism();
    expect(defaultThreadCount(undefined, undefined)).toBe(cores);
    expect(defaultThreadCount(1, undefined)).toBe(1);
    expect(defaultThreadCount(undefined, 0.5)).toBe(1);
    expect(defaultThreadCount(1_000, 1_000)).toBe(cores);
  });
});

describe("cgroupCpuQuota", () => {
  const files = (entries: Record<string, string>) => (path: string) => entries[path];
  it("reads cgroup v2 cpu.max and v1 CFS quotas; no limit is undefined", () => {
    expect(cgroupCpuQuota(files({ "/sys/fs/cgroup/cpu.max": "200000 100000\n" }))).toBe(2);
    expect(cgroupCpuQuota(files({ "/sys/fs/cgroup/cpu.max": "max 100000\n" }))).toBeUndefined();
    expect(
      cgroupCpuQuota(
        files({
          "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "150000",
          "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000",
        }),
      ),
    ).toBe(1.5);
    expect(
      cgroupCpuQuota(
        files({
          "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1",
          "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000",
        }),
      ),
    ).toBeUndefined();
    expect(cgroupCpuQuota(files({}))).toBeUndefined();
  });
});
