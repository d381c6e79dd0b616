import { redact } from "./redactor.js";

/**
 * Hides secrets in `text` (recorded at interpolation, or values of
 * secret-looking variables in `env`), so they never reach logs, rejects or caches.
 */
export function redactSecrets(text: string, env: Record<string, string | undefined> = process.env): string {
  return redact(text, env);
}
