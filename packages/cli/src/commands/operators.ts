import type { OperatorClass, OperatorRegistry, PortSpec } from "@dataflow/core";
import { didYouMean } from "@dataflow/core";
import { type CliIO, EXIT_INVALID, EXIT_OK } from "../io.js";

function describe(cls: OperatorClass, origin: string | undefined) {
  const { spec } = cls;
  return {
    name: spec.name,
    version: spec.version,
    description: spec.description,
    origin,
    serving: spec.serving ?? "none",
    retriever: spec.retriever ?? "none",
    inputs: spec.inputs,
    outputs: spec.outputs,
    params: spec.params,
    ...(spec.prompt ? { prompt: spec.prompt } : {}),
  };
}

/** An LLM operator's default prompt, as a starting point for a step's `prompt: { system, user }`. */
function promptsText(cls: OperatorClass): string {
  const { name, prompt } = cls.spec;
  if (!prompt) return "";
  const width = Math.max(...Object.keys(prompt.placeholders).map((k) => k.length + 4));
  return [
    `${name}: default prompt (replace either message with params.prompt.system / params.prompt.user)`,
    "placeholders:",
    ...Object.entries(prompt.placeholders).map(([k, what]) => `  ${`{{${k}}}`.padEnd(width)}  ${what}`),
    "--- system ---",
    prompt.defaults.system || "(none: no system message is sent)",
    "--- user ---",
    prompt.defaults.user,
    "",
  ].join("\n");
}

function ports(ports: Record<string, PortSpec>): string {
  const entries = Object.entries(ports);
  if (!entries.length) return "    (none)";
  return entries
    .map(
      ([name, p]) =>
        `    ${name}${p.optional ? "?" : ""} (default column "${p.column}")${p.description ? `: ${p.description}` : ""}`,
    )
    .join("\n");
}

function paramsText(schema: OperatorClass["spec"]["params"]): string {
  const props = Object.entries(schema.properties ?? {});
  if (!props.length) return "    (none)";
  const required = new Set(schema.required ?? []);
  return props
    .map(([name, p]) => {
      const type = p.type ? String(p.type) : p.enum ? p.enum.map((e) => JSON.stringify(e)).join("|") : "any";
      const def = p.default !== undefined ? ` = ${JSON.stringify(p.default)}` : "";
      return `    ${name}${required.has(name) ? "" : "?"}: ${type}${def}${p.description ? ` — ${p.description}` : ""}`;
    })
    .join("\n");
}

export function operatorsCommand(
  name: string | undefined,
  flags: { json?: boolean; prompts?: boolean },
  io: CliIO,
  registry: OperatorRegistry,
): number {
  if (name) {
    const cls = registry.get(name);
    if (!cls) {
      const hint = didYouMean(name, registry.names());
      io.stderr.write(`error: unknown operator "${name}"${hint ? `; ${hint}` : ""}\n`);
      return EXIT_INVALID;
    }
    if (flags.prompts) {
      if (!cls.spec.prompt) {
        io.stderr.write(`error: ${name} takes no prompt; operators with one: ${promptOperators(registry)}\n`);
        return EXIT_INVALID;
      }
      io.stdout.write(flags.json ? `${JSON.stringify(cls.spec.prompt, null, 2)}\n` : promptsText(cls));
      return EXIT_OK;
    }
    if (flags.json) {
      io.stdout.write(`${JSON.stringify(describe(cls, registry.origin(name)), null, 2)}\n`);
      return EXIT_OK;
    }
    const { spec } = cls;
    io.stdout.write(
      [
        `${spec.name} ${spec.version} (${registry.origin(name)})`,
        `  ${spec.description}`,
        `  serving: ${spec.serving ?? "none"}`,
        `  retriever: ${spec.retriever ?? "none"}`,
        "  inputs:",
        ports(spec.inputs),
        "  outputs:",
        ports(spec.outputs),
        "  params:",
        paramsText(spec.params),
        "",
      ].join("\n"),
    );
    return EXIT_OK;
  }
  const all = registry.list();
  if (flags.json) {
    io.stdout.write(
      `${JSON.stringify(
        all.map((c) => describe(c, registry.origin(c.spec.name))),
        null,
        2,
      )}\n`,
    );
    return EXIT_OK;
  }
  const width = Math.max(...all.map((c) => c.spec.name.length));
  for (const c of all) {
    const ins = Object.keys(c.spec.inputs).join(",") || "-";
    const outs = Object.keys(c.spec.outputs).join(",") || "-";
    io.stdout.write(
      `${c.spec.name.padEnd(width)}  in: ${ins.padEnd(12)} out: ${outs.padEnd(10)} ${firstSentence(c.spec.description)}\n`,
    );
  }
  io.stdout.write(`\n${all.length} operators; \`dataflow operators NAME\` shows one in full\n`);
  return EXIT_OK;
}

function firstSentence(text: string): string {
  const line = text.split("\n")[0] ?? "";
  const end = line.search(/\.(\s|$)/);
  return end >= 0 ? line.slice(0, end + 1) : line;
}

function promptOperators(registry: OperatorRegistry): string {
  return registry
    .names()
    .filter((n) => registry.get(n)?.spec.prompt)
    .join(", ");
}
