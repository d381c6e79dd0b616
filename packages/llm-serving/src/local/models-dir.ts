import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

/**
 * Where local models are downloaded, once per user rather than once per clone or pipeline:
 * DATAFLOW_MODELS_DIR, else $XDG_CACHE_HOME/dataflow/models, else ~/.cache/dataflow/models.
 * (The XDG spec ignores a relative XDG_CACHE_HOME.)
 */
export function defaultModelsDir(env: Record<string, string | undefined>, home = homedir()): string {
  const own = env.DATAFLOW_MODELS_DIR?.trim();
  if (own) return own;
  const xdg = env.XDG_CACHE_HOME?.trim();
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, ".cache"), "dataflow", "models");
}
