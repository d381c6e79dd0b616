import type { Document, LineCounter, YAMLError } from "yaml";
import type { Diagnostic } from "../contracts/errors.js";

const SYNTAX_HINT =
  "fix the YAML syntax at this position (indentation, quoting, a missing ':' or closing bracket)";
/** `key: ${VAR}` not in quotes: inside `{ … }` the `{` of `${` opens a flow mapping. */
const UNQUOTED_VAR = /:\s*\$\{[A-Za-z_][A-Za-z0-9_]*\}/;

/**
 * The parser's errors and warnings as located diagnostics, in our words where its own would
 * mislead: an unquoted `${VAR}` in a flow mapping is one error with the fix (the parser reports a
 * cascade of dozens), and a runaway nesting depth is named as such rather than as a stack overflow.
 */
export function yamlDiagnostics(doc: Document, text: string, lines: LineCounter, file: string): Diagnostic[] {
  const at = (err: YAMLError) => {
    const pos = lines.linePos(err.pos[0]);
    return { file, line: pos.line, column: pos.col };
  };
  const first = doc.errors[0];
  if (first) {
    const where = at(first);
    const line = text.split("\n")[where.line - 1] ?? "";
    const variable = UNQUOTED_VAR.exec(line);
    if (variable && line.includes("{")) {
      const ref = variable[0].replace(/^:\s*/, "");
      return [
        {
          severity: "error",
          message: `YAML: ${ref} is not quoted inside a { … } mapping, so its "{" starts another mapping`,
          location: where,
          hint: `quote it: "${ref}" (or write the mapping as indented lines)`,
        },
      ];
    }
  }
  return [...doc.errors, ...doc.warnings].map((err) => {
    const deep = /Maximum call stack size exceeded/.test(err.message);
    return {
      severity: doc.errors.includes(err) ? "error" : "warning",
      message: deep
        ? "YAML: the document nests too deeply to read (thousands of [ or { levels)"
        : `YAML: ${err.message.split("\n")[0]}`,
      location: at(err),
      hint: deep ? "a pipeline needs a few levels of nesting: remove the runaway brackets" : SYNTAX_HINT,
    };
  });
}
