import { seededRandom } from "@dataflow/core";

/** One chat message as the test server read it; content parts are joined into text. */
export interface ReceivedMessage {
  role: string;
  content: string;
}

/** What matchers and reply functions see of a chat-completion request. */
export interface ChatRequestInfo {
  /** 0-based position among the chat-completion requests this server has received. */
  index: number;
  model: string;
  messages: ReceivedMessage[];
  /** Every message's content joined by "\n": what `match` strings and regexps are tested against. */
  prompt: string;
  /** The parsed request body (settings, `response_format`, …). */
  body: Record<string, unknown>;
  /** Aborts when the client goes away or the server closes, for reply functions that wait. */
  signal: AbortSignal;
}

/**
 * An injected failure: an HTTP error status (429 with `retryAfter` seconds sets
 * Retry-After), `hang` (accept and never answer), `truncated` (a Content-Length
 * longer than the body, then the socket is closed) or `malformed` (a complete
 * 200 response whose body is not JSON) or `html` (a 200 of text/html, as a web UI or proxy at
 * the wrong URL answers).
 */
export type Fault =
  | { status: number; retryAfter?: number; message?: string }
  | "hang"
  | "truncated"
  | "malformed"
  | "html";

/** A reply in full; a plain string is `{ content: string }`. */
export interface ReplySpec {
  content?: string;
  /** Sent as `message.reasoning_content`, as vLLM and DeepSeek do. */
  reasoningContent?: string;
  /** Defaults to "stop". */
  finishReason?: string;
  /** Overrides the estimate (ceil(chars / 4)). */
  usage?: { promptTokens: number; completionTokens: number };
  /** Overrides the model echoed from the request. */
  model?: string;
  /** Overrides the server's latency for this reply. */
  latencyMs?: number;
  fault?: Fault;
}

export type Reply = string | ReplySpec;
export type ReplySource = Reply | ((req: ChatRequestInfo) => Reply | Promise<Reply>);

/** A substring of the prompt, a regexp tested against it, or a predicate on the request. */
export type Matcher = string | RegExp | ((req: ChatRequestInfo) => boolean);

export interface ReplyRule {
  /** Absent: matches every request. */
  match?: Matcher;
  reply?: ReplySource;
  /** Shorthand for a reply that is only this fault; wins over `reply`. */
  fault?: Fault;
  /** Serves this many matching requests, then is skipped; unlimited when absent. */
  times?: number;
}

/** A fault injected into a random share of requests, drawn from the seeded PRNG. */
export interface RandomFault {
  probability: number;
  fault: Fault;
}

export interface ReplyScriptOptions {
  /** Tried in order; the first that matches and has times left answers. */
  rules?: ReplyRule[];
  /** The answer when no rule matches; by default the last user message is echoed back. */
  defaultReply?: ReplySource;
  /** Drawn once per request before the rules; a request that draws a fault consumes no rule. */
  randomFaults?: RandomFault[];
  /** Seed of the PRNG behind `randomFaults`; defaults to 1. */
  seed?: number;
}

export interface ScriptedReply {
  spec: ReplySpec;
  /** Index of the rule that answered; absent for the default reply and random faults. */
  rule?: number;
  randomFault?: boolean;
}

/** Decides each request's reply: random faults first, then the rules, then the default. */
export class ReplyScript {
  private readonly rules: ReplyRule[];
  private readonly left: number[];
  private readonly defaultReply: ReplySource;
  private readonly randomFaults: RandomFault[];
  private readonly random: () => number;

  constructor(options: ReplyScriptOptions = {}) {
    this.rules = options.rules ?? [];
    this.left = this.rules.map((r, i) => {
      if (r.times === undefined) return Number.POSITIVE_INFINITY;
      if (!Number.isInteger(r.times) || r.times < 0) {
        throw new RangeError(`rules[${i}].times must be a whole number ≥ 0, got ${r.times}`);
      }
      return r.times;
    });
    this.defaultReply = options.defaultReply ?? echoLastUserMessage;
    this.randomFaults = options.randomFaults ?? [];
    let total = 0;
    for (const [i, f] of this.randomFaults.entries()) {
      if (!(f.probability >= 0 && f.probability <= 1)) {
        throw new RangeError(`randomFaults[${i}].probability must be in [0, 1], got ${f.probability}`);
      }
      total += f.probability;
    }
    if (total > 1 + 1e-9) throw new RangeError(`randomFaults probabilities add up to ${total}, more than 1`);
    this.random = seededRandom(`reply-script:${options.seed ?? 1}`).float;
  }

  async next(req: ChatRequestInfo): Promise<ScriptedReply> {
    if (this.randomFaults.length > 0) {
      let x = this.random();
      for (const f of this.randomFaults) {
        if (x < f.probability) return { spec: { fault: f.fault }, randomFault: true };
        x -= f.probability;
      }
    }
    for (const [i, rule] of this.rules.entries()) {
      if ((this.left[i] ?? 0) <= 0 || !matches(rule.match, req)) continue;
      this.left[i] = (this.left[i] ?? 0) - 1;
      if (rule.fault !== undefined) return { spec: { fault: rule.fault }, rule: i };
      return { spec: await resolve(rule.reply ?? "", req), rule: i };
    }
    return { spec: await resolve(this.defaultReply, req) };
  }
}

function matches(matcher: Matcher | undefined, req: ChatRequestInfo): boolean {
  if (matcher === undefined) return true;
  if (typeof matcher === "string") return req.prompt.includes(matcher);
  if (matcher instanceof RegExp) {
    matcher.lastIndex = 0; // a /g or /y regexp keeps state between calls
    return matcher.test(req.prompt);
  }
  return matcher(req);
}

async function resolve(source: ReplySource, req: ChatRequestInfo): Promise<ReplySpec> {
  const reply = typeof source === "function" ? await source(req) : source;
  return typeof reply === "string" ? { content: reply } : reply;
}

function echoLastUserMessage(req: ChatRequestInfo): string {
  return req.messages.findLast((m) => m.role === "user")?.content ?? "";
}
