import { accessSync, constants, statSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Why a file (or folder) cannot be created or written at `path`, in words, or undefined when it
 * can: checked before the run, so EISDIR, ENOTDIR or EACCES never surface half-way through it.
 */
export function writeProblem(path: string, want: "file" | "folder"): string | undefined {
  const st = statOf(path);
  if (st) {
    if (want === "file" && st.isDirectory()) return `${path} is a folder, not a file`;
    if (want === "folder" && !st.isDirectory()) return `${path} is a file, not a folder`;
    return canWrite(path) ? undefined : `no permission to write ${path}`;
  }
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const above = statOf(dir);
    if (above) {
      if (!above.isDirectory()) return `${dir} is a file, so ${path} cannot be created under it`;
      return canWrite(dir) ? undefined : `no permission to create ${path} in ${dir}`;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function statOf(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function canWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
