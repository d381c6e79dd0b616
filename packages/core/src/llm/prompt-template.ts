import type { JSONSchema } from "../contracts/json-schema.js";
import type { ChatMessage } from "../contracts/llm-serving.js";
import type { ParamProblem } from "../contracts/operator.js";
import {
  parseTemplate,
  renderTemplate,
  type TemplatePart,
  TemplateSyntaxError,
  templateColumns,
} from "../operators/template-string.js";
import { suggest } from "../util/did-you-mean.js";

/** An LLM operator's prompt: a system and a user message with `{{placeholder}}`s for its inputs. */
export interface PromptTemplate {
  system: string;
  user: string;
}

/** A step's `prompt:` param: either message, or both; what it leaves out keeps the default. */
export type PromptParam = Partial<PromptTemplate>;

/** What an operator declares about its prompt (`OperatorSpec.prompt`). */
export interface PromptSpec {
  /** Today's prompt, for whatever a step's `prompt` param leaves out. */
  defaults: PromptTemplate;
  /** Each placeholder the operator fills, with what it holds. */
  placeholders: Record<string, string>;
}

const MESSAGES = ["system", "user"] as const;

/** The `prompt` param's schema, listing the placeholders. */
export function promptParamSchema(spec: PromptSpec): JSONSchema {
  const names = Object.keys(spec.placeholders)
    .map((n) => `{{${n}}}`)
    .join(", ");
  const message = (which: string): JSONSchema => ({
    type: "string",
    minLength: 1,
    description: `The ${which} message, with placeholders ${names} (\\{{ is a literal {{)`,
  });
  return {
    type: "object",
    additionalProperties: false,
    properties: { system: message("system"), user: message("user") },
    description:
      "Your own system and/or user prompt; what you leave out keeps the default " +
      "(`dataflow operators NAME --prompts` prints the defaults)",
  };
}

/** Syntax errors and unknown placeholders in a step's prompt, located at `path` + the message's name. */
export function checkPromptParam(
  prompt: PromptParam | undefined,
  spec: PromptSpec,
  path: (string | number)[] = ["prompt"],
): ParamProblem[] {
  const problems: ParamProblem[] = [];
  const known = Object.keys(spec.placeholders);
  for (const which of MESSAGES) {
    const text = prompt?.[which];
    if (text === undefined) continue;
    let columns: string[];
    try {
      columns = templateColumns(text);
    } catch (err) {
      if (!(err instanceof TemplateSyntaxError)) throw err;
      problems.push({ path: [...path, which], message: err.message, hint: "write \\{{ for a literal {{" });
      continue;
    }
    for (const name of columns) {
      if (known.includes(name)) continue;
      const near = suggest(name, known, 1)[0];
      problems.push({
        path: [...path, which],
        message: `unknown placeholder {{${name}}}`,
        hint: `${near ? `did you mean {{${near}}}? ` : ""}this operator fills ${known.map((n) => `{{${n}}}`).join(", ")}`,
      });
    }
  }
  return problems;
}

/** A step's prompt, parsed once, rendered per row from the operator's placeholder values. */
export class CompiledPrompt {
  private readonly system: TemplatePart[];
  private readonly user: TemplatePart[];

  constructor(spec: PromptSpec, prompt: PromptParam | undefined) {
    this.system = parseTemplate(prompt?.system ?? spec.defaults.system);
    // parseTemplate("") is no parts, which renders "": no system message.
    this.user = parseTemplate(prompt?.user ?? spec.defaults.user);
  }

  /**
   * The system and user messages; a placeholder's value is a string, or JSON for other values. A
   * system message that renders empty is not sent (an operator whose default has none).
   */
  messages(values: Record<string, unknown>): ChatMessage[] {
    const system = renderTemplate(this.system, values);
    const user: ChatMessage = { role: "user", content: renderTemplate(this.user, values) };
    return system ? [{ role: "system", content: system }, user] : [user];
  }
}
