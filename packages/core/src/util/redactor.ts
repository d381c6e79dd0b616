import { isSecretName } from "../pipeline/interpolate.js";

/** Shorter values are too likely to occur by chance (a model name, "true") to be redacted. */
export const MIN_SECRET_LENGTH = 8;

/** Secret values recorded at interpolation time, longest first, each with its variable's name. */
let recorded: { value: string; name: string }[] = [];

/**
 * Remembers `value` (from the variable `name`) as a secret, so `redact` hides
 * it wherever it is printed or stored, whichever field it was interpolated into.
 */
export function recordSecret(name: string, value: string | undefined): void {
  if (value === undefined || value.length < MIN_SECRET_LENGTH) return;
  if (recorded.some((r) => r.value === value)) return;
  // As JSON text spells it too (quotes, backslashes escaped): manifests are redacted as text.
  const escaped = JSON.stringify(value).slice(1, -1);
  const added =
    escaped === value
      ? [{ value, name }]
      : [
          { value, name },
          { value: escaped, name },
        ];
  recorded = [...recorded, ...added].sort((a, b) => b.value.length - a.value.length);
}

/** Forgets every recorded secret (tests that reuse one process). */
export function forgetRecordedSecrets(): void {
  recorded = [];
}

/** The number of recorded secrets. */
export function recordedSecretCount(): number {
  return recorded.length;
}

/**
 * Replaces recorded secret values, and values of secret-looking variables in
 * `env`, with `[redacted NAME]`, and bearer tokens with `***`. Cheap when the
 * text holds none: one `includes` per known value.
 */
export function redact(text: string, env: Record<string, string | undefined> = process.env): string {
  let out = text;
  for (const { value, name } of recorded) if (out.includes(value)) out = out.split(value).join(mark(name));
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= MIN_SECRET_LENGTH && isSecretName(name) && out.includes(value))
      out = out.split(value).join(mark(name));
  }
  return out.includes("Bearer") ? out.replace(/\b(Bearer\s+)[A-Za-z0-9._~+/-]{8,}=*/g, "$1***") : out;
}

/** `redact` for JSON-like data: strings anywhere inside are redacted; other values are kept. */
export function redactValue<T>(value: T, env?: Record<string, string | undefined>): T {
  if (typeof value === "string") return redact(value, env) as T;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, env)) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, env);
    return out as T;
  }
  return value;
}

function mark(name: string): string {
  return `[redacted ${name}]`;
}
