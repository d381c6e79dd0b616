#!/usr/bin/env node
import { runCli } from "./run-cli.js";
import { prepareProcess } from "./startup/prepare-process.js";

prepareProcess();
process.exitCode = await runCli(process.argv.slice(2));
