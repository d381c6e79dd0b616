import { realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/**
 * Where `path` really is: symlinks of its existing part resolved, the part not yet created kept
 * as written. Two paths naming one file (through `..`, a symlink, a linked folder) compare equal.
 */
export function realPath(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync.native(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs
      ? abs
      : join(realPath(parent), abs.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
  }
}

/** Whether `child` is `parent` or lies inside it (both real paths). */
export function isWithin(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === "" || !(rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel));
}

/** The nearest folder at or above `path` that is a run directory (holds a manifest.json; steps/ exists only once a step caches). */
export function runDirAbove(path: string): string | undefined {
  for (let dir = path; ; dir = dirname(dir)) {
    if (isRunDir(dir)) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

function isRunDir(dir: string): boolean {
  try {
    return statSync(join(dir, "manifest.json")).isFile();
  } catch {
    return false;
  }
}
