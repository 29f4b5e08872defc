// Expressions nested deeper than the spec's Python can compile (a chain of hundreds of `+`, brackets hundreds deep),
// found before anything runs: Pyodide's compiler would stop with a RecursionError naming no line, crash the
// interpreter, or refuse the brackets at column 1 of their line.
import type { SyntaxNode, Tree } from '@lezer/common';
import type { Problem } from './problem.ts';

/**
 * Nesting a spec may use. Pyodide compiled a statement-dialect `x = now + now + ...` of 489 operations and failed at
 * 494 (its C stack, not sys.getrecursionlimit, is the bound); the margin covers a chain inside a helper function.
 */
export const MAX_EXPRESSION_DEPTH = 450;

/**
 * Brackets ((), [], {}) a spec may nest. CPython's tokenizer refuses a 201st level ("too many nested parentheses");
 * the statement dialect's `return X` runs as `return _returned((X))`, two levels more.
 */
export const MAX_BRACKET_DEPTH = 198;

const OPENING_BRACKETS = new Set(['(', '[', '{']);
const CLOSING_BRACKETS = new Set([')', ']', '}']);

/** Operators Python keeps flat however long the chain (`a or b or c` is one BoolOp, `a < b < c` one Compare). */
const FLAT_CHAINS = new Set(['or', 'and', 'CompareOp']);

export function findTooDeepExpressions(tree: Tree): Problem[] {
  const problems: Problem[] = [];
  const reported = new Set<number>();
  const counted: boolean[] = [];
  let depth = 0;
  tree.iterate({
    enter: (ref) => {
      // Brackets that only group are no node of Python's syntax tree: findTooDeepBrackets bounds them.
      const deeper = ref.name.endsWith('Expression') && ref.name !== 'ParenthesizedExpression' && !continuesFlatChain(ref.node);
      counted.push(deeper);
      if (deeper) depth++;
      if (depth <= MAX_EXPRESSION_DEPTH) return;
      counted.pop();
      depth--;
      const outermost = outermostExpression(ref.node);
      if (reported.has(outermost.from)) return false;
      reported.add(outermost.from);
      problems.push({
        offset: outermost.from,
        kind: 'unsupported',
        message: `this expression nests more than ${MAX_EXPRESSION_DEPTH} operations inside each other, more than the spec's Python can compile: ` +
          'split it into several assignments (part = a + b + ..., then part + ...), or use sum(values) or mem(x, values)',
      });
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

/** The first bracket of each run of brackets nested more than MAX_BRACKET_DEPTH deep. */
export function findTooDeepBrackets(tree: Tree): Problem[] {
  const problems: Problem[] = [];
  let depth = 0;
  tree.iterate({
    enter: (ref) => {
      if (CLOSING_BRACKETS.has(ref.name)) depth--;
      if (!OPENING_BRACKETS.has(ref.name)) return;
      depth++;
      if (depth !== MAX_BRACKET_DEPTH + 1) return;
      problems.push({
        offset: ref.from,
        kind: 'unsupported',
        message: `brackets nest more than ${MAX_BRACKET_DEPTH} deep here, more than the spec's Python can read: ` +
          'name the inner parts (inner = (...), then use inner), or drop brackets that group nothing',
      });
    },
  });
  return problems;
}
