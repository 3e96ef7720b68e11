/**
 * Parsing FEEL with feelin, shared by compilation (index.ts) and the budget's rewriting of
 * iterations (budget.ts), which must agree on what parses: the extension functions' multi-word
 * names are made known to the parser, and a malformed text is reported with its position.
 */
import { parseExpression } from '@bpmn-io/feelin';
import { FeelSyntaxError } from './errors.js';
import { EXTENSION_FUNCTION_NAMES } from './functions.js';

/** Without these, feelin would read `get or else(x, 0)` as three names and fail to parse it. */
export const PARSE_CONTEXT: Record<string, unknown> = Object.fromEntries(
  EXTENSION_FUNCTION_NAMES.map((n) => [n, () => null]),
);

export type ParseTree = ReturnType<typeof parseExpression>;

export type SyntaxNode = ParseTree['topNode'];

/** Where the first syntax error is, if any: feelin recovers from errors instead of throwing. */
export function errorPosition(tree: ParseTree): number | undefined {
  let errorAt: number | undefined;
  tree.iterate({
    enter(node) {
      if (errorAt === undefined && node.type.isError) {
        errorAt = node.from;
      }
    },
  });
  return errorAt;
}

export function assertWellFormed(text: string, tree: ParseTree): void {
  const errorAt = errorPosition(tree);
  if (errorAt !== undefined) {
    const near = text.slice(errorAt, errorAt + 12);
    throw new FeelSyntaxError(
      `FEEL syntax error at position ${errorAt + 1} in '${text}' (${near === '' ? 'the expression ends too early' : `near '${near}'`})`,
    );
  }
}
