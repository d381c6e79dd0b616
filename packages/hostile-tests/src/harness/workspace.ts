import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";

/** A temporary directory for one case: files written into it, every file listed, removed at the end. */
export class Workspace {
  readonly dir = mkdtempSync(join(tmpdir(), "dataflow-hostile-"));

  path(name: string): string {
    return join(this.dir, name);
  }

  /** Writes a file (parents created); returns its absolute path. */
  write(name: string, content: string | Uint8Array): string {
    const path = this.path(name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    return path;
  }

  read(name: string): string {
    return readFileSync(this.path(name), "utf8");
  }

  /** Every file under the workspace (or under `sub`), relative to the workspace. */
  files(sub = ""): string[] {
    const out: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else out.push(relative(this.dir, p));
      }
    };
    walk(this.path(sub));
    return out.sort();
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** JSONL text of `rows`. */
export function jsonl(rows: readonly unknown[]): string {
  return rows.map((r) => `${JSON.stringify(r)}\n`).join("");
}
