// Expressions nested deeper than the spec's Python can compile (a chain of hundreds of `+`), found before
// anything runs: Pyodide's compiler would stop with a RecursionError naming no line, or crash the interpreter.
import type { SyntaxNode, Tree } from '@lezer/common';
import type { Problem } from './problem.ts';

/**
 * Nesting a spec may use. Pyodide compiled a statement-dialect `x = now + now + ...` of 489 operations and failed at
 * 494 (its C stack, not sys.getrecursionlimit, is the bound); the margin covers a chain inside a helper function.
 */
export const MAX_EXPRESSION_DEPTH = 450;

/** Operators Python keeps flat however long the chain (`a or b or c` is one BoolOp, `a < b < c` one Compare). */
const FLAT_CHAINS = new Set(['or', 'and', 'CompareOp']);

export function findTooDeepExpressions(tree: Tree): Problem[] {
  const problems: Problem[] = [];
  const counted: boolean[] = [];
  let depth = 0;
  tree.iterate({
    enter: (ref) => {
      const deeper = ref.name.endsWith('Expression') && !continuesFlatChain(ref.node);
      counted.push(deeper);
      if (deeper) depth++;
      if (depth <= MAX_EXPRESSION_DEPTH) return;
      const outermost = outermostExpression(ref.node);
      problems.push({
        offset: outermost.from,
        kind: 'unsupported',
        message: `this expression nests more than ${MAX_EXPRESSION_DEPTH} operations inside each other, more than the spec's Python can compile: ` +
          'split it into several assignments (part = a + b + ..., then part + ...), or use sum(values) or mem(x, values)',
      });
      counted.pop();
      depth--;
      return false;
    },
    leave: () => {
      if (counted.pop()) depth--;
    },
  });
  return problems;
}

function operatorOf(binary: SyntaxNode): string | undefined {
  return binary.firstChild?.nextSibling?.name;
}

function continuesFlatChain(node: SyntaxNode): boolean {
  const parent = node.parent;
  if (node.name !== 'BinaryExpression' || parent?.name !== 'BinaryExpression' || parent.firstChild?.from !== node.from) return false;
  const operator = operatorOf(node);
  return operator !== undefined && FLAT_CHAINS.has(operator) && operator === operatorOf(parent);
}

function outermostExpression(node: SyntaxNode): SyntaxNode {
  let outermost = node;
  for (let up = node.parent; up && up.name.endsWith('Expression'); up = up.parent) outermost = up;
  return outermost;
}
