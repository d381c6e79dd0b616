/** A JSON Schema (draft 2020-12) document. Kept loose: ajv is the authority. */
export type JSONSchema = {
  $schema?: string;
  $id?: string;
  $ref?: string;
  $defs?: Record<string, JSONSchema>;
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JSONSchema>;
  required?: string[];
  additionalProperties?: boolean | JSONSchema;
  items?: JSONSchema;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  [keyword: string]: unknown;
};
