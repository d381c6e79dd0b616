/** The result of interpolating `${VAR}` / `${VAR:-default}` references in one string. */
export interface Interpolated {
  value: string;
  /** Names of the variables used. */
  vars: string[];
  /** Variables that were unset and had no default. */
  missing: string[];
}

const REF = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replace `${VAR}` and `${VAR:-default}` with values from `env`. `$${` is a
 * literal `${`. An unset variable without a default is reported, not guessed;
 * `${VAR:-}` means "empty when unset".
 */
export function interpolate(text: string, env: Record<string, string | undefined>): Interpolated {
  const vars: string[] = [];
  const missing: string[] = [];
  const value = text.replace(REF, (whole, name: string | undefined, fallback: string | undefined) => {
    if (whole === "$${") return "${";
    const key = name as string;
    vars.push(key);
    const v = env[key];
    if (v !== undefined && v !== "") return v;
    if (fallback !== undefined) return fallback;
    if (v === "") return "";
    missing.push(key);
    return "";
  });
  return { value, vars, missing };
}

/** Whether a string is exactly one `${...}` reference (so its value may become a number or boolean). */
export function isWholeReference(text: string): boolean {
  return /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/.test(text.trim());
}

/** Names that look like they hold secrets; their values are never shown. */
export function isSecretName(name: string): boolean {
  return /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH/i.test(name);
}
