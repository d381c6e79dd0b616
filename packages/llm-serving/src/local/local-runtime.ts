import type { Logger } from "@dataflow/core";
import type { Llama, LlamaGpuType, LlamaModel } from "node-llama-cpp";
import type { ProgressStream } from "./download-progress.js";
import { insteadHint, LocalModelUnavailableError } from "./local-errors.js";
import { obtainModelFile } from "./model-file.js";
import type { ModelReference } from "./model-reference.js";
import { defaultThreadCount } from "./thread-count.js";

export type LocalGpu = "auto" | LlamaGpuType;

export interface LocalRuntimeOptions {
  servingName: string;
  /** Where model URIs are downloaded to, once. */
  modelsDir: string;
  /** CPU threads; default: the cores available (see defaultThreadCount). */
  threads?: number;
  /** "auto": a GPU when one works (Metal, CUDA or Vulkan), else the CPU. */
  gpu?: LocalGpu;
  env: Record<string, string | undefined>;
  logger: Logger;
  progressStream?: ProgressStream;
  /** Aborts downloads (the serving closed). */
  signal?: AbortSignal;
}

type NodeLlamaCpp = typeof import("node-llama-cpp");

/** A model file loaded, with the runtime it runs on. */
export interface LoadedModel {
  nlc: NodeLlamaCpp;
  llama: Llama;
  model: LlamaModel;
  threads: number;
  /** Milliseconds spent loading the runtime and the model (a download aside). */
  loadMs: number;
}

/**
 * node-llama-cpp for one local serving: the addon and one Llama, loaded on first use only (a
 * pipeline without a local serving never loads the addon), and each model file obtained
 * (downloaded once, verified) and loaded once however many contexts use it: a serving that
 * embeds with its chat model holds it once. A failure is kept, so every later use fails alike.
 */
export class LocalRuntime {
  private runtime: Promise<{ nlc: NodeLlamaCpp; llama: Llama }> | undefined;
  private readonly models = new Map<string, Promise<LoadedModel>>();

  constructor(private readonly o: LocalRuntimeOptions) {}

  load(reference: ModelReference): Promise<LoadedModel> {
    const key = reference.kind === "file" ? `file:${reference.path}` : `uri:${reference.uri}`;
    let loaded = this.models.get(key);
    if (!loaded) {
      loaded = this.loadModel(reference);
      this.models.set(key, loaded);
    }
    return loaded;
  }

  /** Disposes every model loaded, then the runtime; waits for loads under way. */
  async dispose(): Promise<void> {
    for (const loaded of this.models.values()) {
      const m = await loaded.catch(() => undefined);
      await m?.model.dispose().catch(() => {});
    }
    const runtime = await this.runtime?.catch(() => undefined);
    await runtime?.llama.dispose().catch(() => {});
  }

  private async loadModel(reference: ModelReference): Promise<LoadedModel> {
    const o = this.o;
    const path = await obtainModelFile(reference, {
      servingName: o.servingName,
      modelsDir: o.modelsDir,
      env: o.env,
      logger: o.logger,
      ...(o.progressStream ? { progressStream: o.progressStream } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const startedAt = performance.now();
    const { nlc, llama } = await this.llama();
    let model: LlamaModel;
    try {
      model = await llama.loadModel({ modelPath: path });
    } catch (err) {
      throw new LocalModelUnavailableError(
        `serving "${o.servingName}": llama.cpp cannot load the model file ${path}: ${(err as Error).message}. ${insteadHint(o.servingName)}`,
        { cause: err },
      );
    }
    return { nlc, llama, model, threads: llama.maxThreads, loadMs: performance.now() - startedAt };
  }

  private llama(): Promise<{ nlc: NodeLlamaCpp; llama: Llama }> {
    this.runtime ??= (async () => {
      const o = this.o;
      // Loaded here, on first use only.
      const nlc = await import("node-llama-cpp");
      const llama = await nlc.getLlama({
        gpu: o.gpu ?? "auto",
        // Prebuilt binaries only: never build llama.cpp or download its sources.
        build: "never",
        skipDownload: true,
        progressLogs: false,
        maxThreads: o.threads ?? defaultThreadCount(),
        logLevel: nlc.LlamaLogLevel.error,
        logger: (_level, message) =>
          o.logger.warn(`serving "${o.servingName}": llama.cpp: ${message.trim()}`),
      });
      if (o.threads === undefined) llama.maxThreads = defaultThreadCount(llama.cpuMathCores);
      return { nlc, llama };
    })();
    return this.runtime;
  }
}
