import { isSecretName } from "../pipeline/interpolate.js";

/**
 * Replace the values of secret-looking environment variables (API keys,
 * tokens) in `text` with `***`, so they never reach logs, rejects or caches.
 */
export function redactSecrets(text: string, env: Record<string, string | undefined> = process.env): string {
  let out = text;
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= 8 && isSecretName(name) && out.includes(value))
      out = out.split(value).join("***");
  }
  return out.replace(/\b(Bearer\s+)[A-Za-z0-9._~+/-]{8,}=*/g, "$1***");
}
