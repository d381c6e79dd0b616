import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/**
 * The CPU threads for generation when none are configured: the cores this process may use
 * (affinity, and a container's CPU quota), and no more than llama.cpp's count of cores useful
 * for math (physical cores) when known. More threads than cores is ruinous: measured on a
 * 2-core machine, node-llama-cpp's own default of 4 ran about 100 times slower than 1.
 */
export function defaultThreadCount(
  mathCores?: number,
  cpuQuota: number | undefined = cgroupCpuQuota(),
): number {
  let n = availableParallelism();
  if (cpuQuota !== undefined) n = Math.min(n, Math.max(1, Math.floor(cpuQuota)));
  if (mathCores !== undefined && mathCores > 0) n = Math.min(n, mathCores);
  return Math.max(1, n);
}

/** The CPU limit of this process's cgroup in cores (v2 `cpu.max`, v1 CFS quota); undefined when unlimited or unknown. */
export function cgroupCpuQuota(read: (path: string) => string | undefined = readText): number | undefined {
  const v2 = read("/sys/fs/cgroup/cpu.max")?.trim().split(/\s+/);
  if (v2 && v2.length === 2) return quota(v2[0], v2[1]);
  return quota(
    read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")?.trim(),
    read("/sys/fs/cgroup/cpu/cpu.cfs_period_us")?.trim(),
  );
}

function quota(limit: string | undefined, period: string | undefined): number | undefined {
  const l = Number(limit);
  const p = Number(period);
  // "max" (v2) and -1 (v1) mean no limit.
  if (!Number.isFinite(l) || !Number.isFinite(p) || l <= 0 || p <= 0) return undefined;
  return l / p;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
