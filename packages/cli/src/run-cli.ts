import type { OperatorRegistry } from "@dataflow/core";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { addInspectCommand } from "./commands/add-inspect.js";
import { type CliIO, EXIT_INVALID, EXIT_RUN_FAILED, processIO } from "./io.js";
import { environmentHelp } from "./startup/env-help.js";
import { cliVersion } from "./startup/version.js";

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a whole number ≥ 0");
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError("expected a number > 0");
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number ≥ 1");
  return n;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Run the `dataflow` command with `argv` (without node and script); resolves to the exit code. */
export async function runCli(argv: readonly string[], rawIO: CliIO = processIO): Promise<number> {
  // Every command's output passes the secrets redactor, loaded (with core) just before the command
  // runs, so --help and --version stay instant; they print no values.
  const io: CliIO = { ...rawIO };
  let exitCode = 0;
  // Commands, the registry and what they import load when a command runs: --help stays instant.
  let registryMade: OperatorRegistry | undefined;
  const registry = async (): Promise<OperatorRegistry> =>
    (registryMade ??= (await import("./default-registry.js")).createDefaultRegistry());
  const program = new Command("dataflow")
    .description("Declare LLM training-data pipelines in YAML and run them as streams")
    .version(cliVersion(), "-V, --version", "print the version")
    .addHelpText("after", environmentHelp())
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError("(run with --help for usage)")
    .hook("preAction", async () => {
      Object.assign(io, (await import("./redacting-io.js")).redactingIO(rawIO));
    });

  const compileOptions = (cmd: Command): Command =>
    cmd
      .option("--input <path>", "read this file instead of source.path")
      .option("--output <path>", "write here instead of output.path")
      .option(
        "--set <path=value>",
        "override a value, e.g. steps.tpl.params.template=x (repeatable)",
        collect,
      );

  compileOptions(
    program
      .command("run")
      .description("compile and run a pipeline")
      .argument("<pipeline>", "pipeline YAML file"),
  )
    .option("--limit <n>", "read at most n source rows", nonNegativeInt)
    .option("--fresh", "ignore and clear the step caches: recompute everything")
    .option("--from-step <id>", "recompute from this step on, reusing the caches of the steps before it")
    .option("--dry-run", "validate and show the plan without running")
    .option("--json", "print the run summary as JSON")
    .addOption(
      new Option("--progress-interval <seconds>", "seconds between progress lines when not on a terminal")
        .argParser(positiveNumber)
        .default(10),
    )
    .option("--verbose", "also log debug lines: each retry with its cause")
    .addOption(
      new Option(
        "--log-format <format>",
        "pretty lines above the progress bars, or JSON lines (pino) without bars",
      )
        .choices(["pretty", "json"])
        .default("pretty"),
    )
    .option(
      "--queue <url>",
      "coordinate a work-queue run on this Redis (redis://HOST:PORT): `dataflow worker` processes run the chunks",
    )
    .option("--chunk-size <n>", "with --queue: source rows per chunk (default 1000)", positiveInt)
    .option(
      "--shard <I/N>",
      "run only shard I of N (0-based: the rows whose id hashes to I) into a part file; `dataflow merge` joins the parts",
    )
    .action(async (file: string, flags) => {
      const { runCommand } = await import("./commands/run.js");
      exitCode = await runCommand(file, flags, io, await registry());
    });

  compileOptions(
    program
      .command("merge")
      .description(
        "merge the parts of a sharded run (dataflow run --shard I/N) into the output, in source order",
      )
      .argument("<pipeline>", "pipeline YAML file (with the same --input, --output, --set as the shards)"),
  )
    .requiredOption(
      "--shards <n>",
      "how many shards the run was split into (the N of --shard I/N)",
      positiveInt,
    )
    .option("--json", "print the merged summary as JSON")
    .action(async (file: string, flags) => {
      const { mergeCommand } = await import("./commands/merge.js");
      exitCode = await mergeCommand(file, flags, io, await registry());
    });

  compileOptions(
    program
      .command("worker")
      .description("take chunks of a `dataflow run --queue` run from Redis and run them, until stopped")
      .argument("<pipeline>", "pipeline YAML file (the coordinator's, with the same --input, --set)"),
  )
    .requiredOption("--queue <url>", "the coordinator's Redis, redis://HOST:PORT")
    .option(
      "--lock-ms <ms>",
      "a chunk's lock; a killed worker's chunk is handed on after about this",
      positiveInt,
      30000,
    )
    .option("--until-done", "exit once the coordinator has finished the run")
    .option("--verbose", "also log debug lines")
    .addOption(
      new Option("--log-format <format>", "pretty lines or JSON lines (pino)")
        .choices(["pretty", "json"])
        .default("pretty"),
    )
    .action(async (file: string, flags) => {
      const { workerCommand } = await import("./queue/worker-command.js");
      exitCode = await workerCommand(file, flags, io, await registry());
    });

  compileOptions(
    program
      .command("validate")
      .description("check a pipeline (schema, operators, params, columns) without running it")
      .argument("<pipeline>", "pipeline YAML file"),
  ).action(async (file: string, flags) => {
    const { validateCommand } = await import("./commands/validate.js");
    exitCode = await validateCommand(file, flags, io, await registry());
  });

  program
    .command("operators")
    .description("list registered operators, or show one with its ports and params schema")
    .argument("[name]", "operator name, e.g. core/template")
    .option("--json", "machine-readable output")
    .option("--prompts", "print an LLM operator's default prompt and its placeholders")
    .action(async (name: string | undefined, flags) => {
      const { operatorsCommand } = await import("./commands/operators.js");
      exitCode = operatorsCommand(name, flags, io, await registry());
    });

  compileOptions(
    program
      .command("rejects")
      .description("list the rejected rows of a pipeline's last run, step by step")
      .argument("<pipeline>", "pipeline YAML file"),
  )
    .option("--step <id>", 'only this step\'s rejects ("source" for unreadable input rows)')
    .option("--show <n>", "print this many rejects per step", nonNegativeInt, 5)
    .option("--json", "print every reject as a JSON line")
    .action(async (file: string, flags) => {
      const { rejectsCommand } = await import("./commands/rejects.js");
      exitCode = await rejectsCommand(file, flags, io, await registry());
    });

  addInspectCommand(program, io, (code) => {
    exitCode = code;
  });

  program
    .command("schema")
    .description(
      "print the pipeline JSON Schema (for editor autocompletion), composed from what is registered",
    )
    .action(async () => {
      const { composePipelineSchema } = await import("@dataflow/core");
      io.stdout.write(`${JSON.stringify(composePipelineSchema(await registry()), null, 2)}\n`);
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return err.exitCode === 0 ? 0 : EXIT_INVALID;
    }
    io.stderr.write(`error: ${(err as Error).message}\n`);
    return EXIT_RUN_FAILED;
  }
}
