import type { OperatorContext, OperatorSpec } from "../contracts/operator.js";
import type { ProcessResult } from "../contracts/process-result.js";
import type { Row } from "../contracts/row.js";
import { type RowContext, RowOperator } from "../bases/row-operator.js";
import { parseTemplate, renderTemplate, type TemplatePart, templateColumns } from "./template-string.js";

export interface TemplateParams {
  template: string;
}

/** Writes a string built from `{{column}}` placeholders. */
export class TemplateOperator extends RowOperator<TemplateParams> {
  static readonly spec: OperatorSpec<TemplateParams> = {
    name: "core/template",
    version: "1.0.0",
    description:
      "Render `template` into the output column. `{{column}}` (or `{{ column }}`) is replaced by the row's " +
      "value: strings as-is, numbers and booleans as text, objects and arrays as JSON, null as an empty " +
      "string. Write `\\{{` for a literal `{{`. A row missing a placeholder's column is rejected (bad-input).",
    params: {
      type: "object",
      properties: {
        template: {
          type: "string",
          minLength: 1,
          description: "Text with {{column}} placeholders; \\{{ is a literal {{.",
        },
      },
      required: ["template"],
      additionalProperties: false,
    },
    inputs: {},
    outputs: {
      output: { column: "output", description: "The rendered text.", schema: { type: "string" } },
    },
    // Throws TemplateSyntaxError on a malformed template, so it fails at compile time.
    columns: (params) => ({
      reads: templateColumns(params.template).map((column) => ({ column, path: ["params", "template"] })),
    }),
  };

  private parts: TemplatePart[] = [];

  override setup(ctx: OperatorContext<TemplateParams>): void {
    this.parts = parseTemplate(ctx.params.template);
  }

  process(row: Row, ctx: RowContext<TemplateParams>): ProcessResult {
    return ctx.output({ output: renderTemplate(this.parts, row) });
  }
}
