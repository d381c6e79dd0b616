import {
  type ChatMessage,
  type GenerationSettings,
  type JSONSchema,
  LLMError,
  type Logger,
} from "@dataflow/core";
import type {
  Llama,
  LlamaChat,
  LlamaContext,
  LlamaContextSequence,
  LlamaGpuType,
  LlamaGrammar,
  LlamaModel,
} from "node-llama-cpp";
import { withJsonInstruction } from "../serving/json-instruction.js";
import type { TransportResult } from "../serving/transport.js";
import { toChatHistory } from "./chat-history.js";
import { toGrammarSchema } from "./grammar-schema.js";
import type { LocalRuntime } from "./local-runtime.js";
import type { ModelReference } from "./model-reference.js";
import { SequencePool } from "./sequence-pool.js";

export interface LocalModelOptions {
  servingName: string;
  reference: ModelReference;
  /** Parallel sequences in the one context: requests generated at once. */
  sequences: number;
  /** Tokens per sequence; default: what the model was trained on, at most 8,192, less when memory is short. */
  contextSize?: number;
  logger: Logger;
}

export interface GenerateLocalOptions {
  /** With a schema the answer is constrained by a grammar made from it, when the schema allows. */
  schema?: JSONSchema;
  /** Abort when no token came for this long (a stall, not a long answer). */
  stallTimeoutMs: number;
  signal: AbortSignal;
}

interface Slot {
  sequence: LlamaContextSequence;
  chat: LlamaChat;
}

const MAX_DEFAULT_CONTEXT = 8_192;
const MIN_DEFAULT_CONTEXT = 2_048;

/** A context size: the one asked for, else what the model was trained on within [2,048, 8,192]. */
export function contextSizeFor(
  model: LlamaModel,
  asked: number | undefined,
): number | { min: number; max: number } {
  if (asked !== undefined) return asked;
  const trained = model.trainContextSize;
  return { min: Math.min(MIN_DEFAULT_CONTEXT, trained), max: Math.min(MAX_DEFAULT_CONTEXT, trained) };
}

/**
 * A GGUF model's chat side in-process, through node-llama-cpp: one context with a few sequences, a pool
 * handing free ones to concurrent requests, chat formatting by the model's own template (or the
 * wrapper node-llama-cpp falls back to), and grammars from JSON schemas, made once per schema.
 */
export class LocalModel {
  private readonly grammars = new Map<string, Promise<LlamaGrammar | undefined>>();

  private constructor(
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly pool: SequencePool<Slot>,
    readonly label: string,
    readonly threads: number,
  ) {}

  get contextSize(): number {
    return this.context.contextSize;
  }

  get gpu(): LlamaGpuType {
    return this.llama.gpu;
  }

  /** The chat context on the runtime's copy of the model (loaded, and downloaded, on first use). */
  static async create(runtime: LocalRuntime, o: LocalModelOptions): Promise<LocalModel> {
    const { nlc, llama, model, threads, loadMs } = await runtime.load(o.reference);
    const startedAt = performance.now();
    const context = await model.createContext({
      sequences: o.sequences,
      threads,
      contextSize: contextSizeFor(model, o.contextSize),
    });
    const slots: Slot[] = [];
    for (let i = 0; i < o.sequences; i++) {
      const sequence = context.getSequence();
      slots.push({ sequence, chat: new nlc.LlamaChat({ contextSequence: sequence }) });
    }
    const loaded = new LocalModel(llama, model, context, new SequencePool(slots), o.reference.label, threads);
    const seconds = (loadMs + performance.now() - startedAt) / 1000;
    o.logger.info(
      `serving "${o.servingName}": local model ${o.reference.label} ready in ${seconds.toFixed(1)} s ` +
        `(${llama.gpu === false ? "CPU" : `GPU: ${llama.gpu}`}, ${threads} thread${threads === 1 ? "" : "s"}, ` +
        `${o.sequences} × ${context.contextSize} tokens of context, chat format ${slots[0]?.chat.chatWrapper.wrapperName ?? "?"})`,
    );
    return loaded;
  }

  /** One answer on a free sequence; waits for one while all are busy. */
  async generate(
    messages: ChatMessage[],
    settings: GenerationSettings,
    o: GenerateLocalOptions,
  ): Promise<TransportResult> {
    const grammar = o.schema ? await this.grammarFor(o.schema) : undefined;
    // No grammar for this schema: ask for the JSON in the prompt, as for servers without response_format.
    const prompt = o.schema && !grammar ? withJsonInstruction(messages, o.schema) : messages;
    const slot = await this.pool.acquire(o.signal);
    try {
      const history = toChatHistory(prompt);
      const promptTokens = slot.chat.chatWrapper
        .generateContextState({ chatHistory: history })
        .contextText.tokenize(this.model.tokenizer).length;
      const room = slot.sequence.contextSize - promptTokens;
      if (room <= 0) {
        throw new LLMError(
          "bad-request",
          `prompt is ${promptTokens} tokens, longer than the model's context of ${slot.sequence.contextSize} tokens ` +
            "(with room for the answer); shorten the input, or raise DATAFLOW_LOCAL_CONTEXT_SIZE if the model allows",
        );
      }
      const stall = new AbortController();
      const abort = () => stall.abort(o.signal.reason);
      o.signal.addEventListener("abort", abort, { once: true });
      let timer: NodeJS.Timeout | undefined;
      const watch = () => {
        clearTimeout(timer);
        timer = setTimeout(() => stall.abort(STALLED), o.stallTimeoutMs);
      };
      const before = slot.sequence.tokenMeter.getState();
      watch();
      try {
        const s = settings;
        const response = await slot.chat.generateResponse(history, {
          signal: stall.signal,
          // Never past the context: node-llama-cpp would shift it, dropping the start of the prompt.
          maxTokens: Math.min(s.maxTokens ?? room, room),
          onToken: watch,
          ...(s.temperature !== undefined ? { temperature: s.temperature } : {}),
          ...(s.topP !== undefined ? { topP: s.topP } : {}),
          ...(s.seed !== undefined ? { seed: s.seed } : {}),
          ...(s.stop?.length ? { customStopTriggers: s.stop } : {}),
          ...(grammar ? { grammar } : {}),
        });
        const thoughts = response.fullResponse
          .flatMap((part) => (typeof part !== "string" && part.segmentType === "thought" ? [part.text] : []))
          .join("\n")
          .trim();
        return {
          text: response.response,
          ...(thoughts ? { reasoningContent: thoughts } : {}),
          usage: { promptTokens, completionTokens: slot.sequence.tokenMeter.diff(before).usedOutputTokens },
          model: this.label,
        };
      } catch (err) {
        if (stall.signal.reason === STALLED) {
          throw new LLMError("timeout", `the local model produced no token for ${o.stallTimeoutMs} ms`);
        }
        throw err;
      } finally {
        clearTimeout(timer);
        o.signal.removeEventListener("abort", abort);
      }
    } finally {
      this.pool.release(slot);
    }
  }

  /** Frees the context; the model and the runtime are the LocalRuntime's. */
  async dispose(): Promise<void> {
    await this.context.dispose().catch(() => {});
  }

  /** The grammar for a schema, made once; undefined when the schema is beyond what a grammar expresses. */
  private grammarFor(schema: JSONSchema): Promise<LlamaGrammar | undefined> {
    const key = JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      const converted = toGrammarSchema(schema);
      grammar = converted
        ? this.llama
            .createGrammarForJsonSchema(converted as Parameters<Llama["createGrammarForJsonSchema"]>[0])
            .then(
              (g): LlamaGrammar => g,
              () => undefined,
            )
        : Promise.resolve(undefined);
      this.grammars.set(key, grammar);
    }
    return grammar;
  }
}

const STALLED = Symbol("stalled");
