// Parsing with Lezer's Python grammar, and the first syntax error in words a spec writer can act on.
// Lezer recovers from errors by inserting error nodes; the message is derived from where the error
// node sits (its parent and the token before it), like CPython's messages.
import type { PartialParse, SyntaxNode, Tree } from '@lezer/common';
import { parser } from '@lezer/python';
import { findIndentationProblems } from './indentation.ts';
import { findUnterminatedStrings } from './strings.ts';
import type { Problem } from './problem.ts';
import type { SourceText } from './source.ts';

/**
 * Lezer's parse, except that a long left-associative chain (`a + b + ...`, `x == 1 or x == 2 or ...`) stays one
 * expression: after 300 reductions in one production Lezer forces the parser out of it (so that a tree is never too
 * deep for recursive walks), which reads a valid chain of 300 or more operators as a syntax error. Python takes
 * such chains, and so do the front-end's and engine's walks; the counter is reset after every step.
 */
export function parsePython(text: string): Tree {
  const parse = parser.startParse(text) as PartialParse & { bigReductionCount: number };
  for (;;) {
    const tree = parse.advance();
    if (tree) return tree;
    parse.bigReductionCount = 0;
  }
}

const CLOSER_OF: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const COMPOUND_STATEMENTS = new Set(['IfStatement', 'WhileStatement', 'ForStatement', 'FunctionDefinition', 'ClassDefinition', 'TryStatement', 'WithStatement']);
const BRACKETED = new Set(['ArgList', 'ParamList', 'TupleExpression', 'ArrayExpression', 'DictionaryExpression', 'SetExpression']);
const OPERATOR_TOKENS = new Set(['AssignOp', 'UpdateOp', 'ArithOp', 'CompareOp', 'BitOp', 'and', 'or', 'not', 'in', 'is', 'return', 'assert', 'if', 'elif', 'while', 'yield', 'await', ',']);

/**
 * The first syntax error of the text (Python also stops at the first one: later ones are often
 * artefacts of the parser's recovery), or undefined when the text is Python.
 */
export function findSyntaxError(tree: Tree, source: SourceText): Problem | undefined {
  const candidates: { problem: Problem; preferred: boolean }[] = [];
  tree.iterate({
    enter: (ref) => {
      if (!ref.type.isError) return;
      candidates.push({ problem: describeErrorNode(ref.node, source), preferred: false });
      return false;
    },
  });
  for (const problem of [...findIndentationProblems(tree, source), ...findUnterminatedStrings(tree, source.text)]) candidates.push({ problem, preferred: true });
  // Earliest line first; on one line, these findings explain the parser's error node better.
  const lineOf = (p: Problem) => source.locate(p.offset).line;
  candidates.sort((a, b) => lineOf(a.problem) - lineOf(b.problem) || Number(b.preferred) - Number(a.preferred) || a.problem.offset - b.problem.offset);
  return candidates[0]?.problem;
}

function describeErrorNode(node: SyntaxNode, source: SourceText): Problem {
  const text = source.text;
  const next = nextToken(text, node.from);
  const syntax = (offset: number, message: string): Problem => ({ offset, kind: 'syntax', message });

  const openBracket = innermostOpenBracket(node, text);
  if (next && /^[)\]}]$/.test(next.text)) {
    if (!openBracket) return syntax(next.offset, `unmatched '${next.text}': there is no opening bracket for it; remove it or add the opening one`);
    const expected = CLOSER_OF[text[openBracket.from]!]!;
    if (next.text !== expected) {
      const at = source.locate(openBracket.from);
      return syntax(next.offset, `'${next.text}' does not match '${text[openBracket.from]}' at line ${at.line}, column ${at.column}: close that one first with '${expected}'`);
    }
  }
  if (openBracket && (!next || next.onLaterLine)) {
    const bracket = text[openBracket.from]!;
    return syntax(openBracket.from, `'${bracket}' is never closed: add '${CLOSER_OF[bracket]}' where it ends`);
  }

  const previous = node.prevSibling;
  const parent = node.parent;
  if (node.from === node.to && previous && OPERATOR_TOKENS.has(previous.name)) {
    const operator = text.slice(previous.from, previous.to);
    return syntax(node.from, `expected an expression after '${operator}'`);
  }
  if (previous?.name === '.' || previous?.name === 'import') return syntax(node.from, `expected a name after '${previous.name}'`);
  if (next && /^(else|elif|except|finally)$/.test(next.text)) {
    return syntax(next.offset, `'${next.text}' must follow its block ('if', 'for' or 'try') at the same indentation`);
  }
  if (parent && BRACKETED.has(parent.name) && node.from < node.to && previous && previous.name !== ',' && previous.name !== text[parent.from]) {
    return syntax(node.from, `expected ',' or '${CLOSER_OF[text[parent.from]!] ?? ')'}' before '${next!.text}'`);
  }
  if (parent && COMPOUND_STATEMENTS.has(parent.name) && !parent.getChild('Body')) {
    return syntax(node.from, `expected ':' at the end of the '${keywordOf(parent, text)}' line`);
  }
  if (parent?.name === 'Body') {
    const keyword = blockKeyword(parent);
    const keywordText = keyword ? text.slice(keyword.from, keyword.to) : keywordOf(parent.parent!, text);
    if (parent.firstChild?.name !== ':') return syntax(node.from, `expected ':' after '${keywordText}'`);
    if (!parent.getChildren('Statement').length && previous?.name === ':') {
      const line = source.locate(keyword?.from ?? parent.from).line;
      return syntax(node.from, `expected an indented block after the '${keywordText}' on line ${line}`);
    }
  }
  if (!next) return syntax(node.from, 'unexpected end of the file: the last statement is incomplete');
  if (node.from === node.to && previous && !next.onLaterLine && (parent?.name === 'Script' || parent?.name === 'Body')) {
    return syntax(next.offset, `unexpected '${next.text}': one statement per line (or separate statements with ';')`);
  }
  return syntax(next.offset, `unexpected '${next.text}': this is not valid Python here`);
}

/** The nearest enclosing bracketed node whose opening bracket has no closing one. */
function innermostOpenBracket(node: SyntaxNode, text: string): SyntaxNode | undefined {
  for (let ancestor = node.parent; ancestor; ancestor = ancestor.parent) {
    const opener = text[ancestor.from];
    if (!opener || !(opener in CLOSER_OF) || ancestor.firstChild?.name !== opener) continue;
    if (ancestor.lastChild?.name !== CLOSER_OF[opener]) return ancestor;
  }
  return undefined;
}

const BLOCK_KEYWORDS = new Set(['if', 'elif', 'else', 'for', 'while', 'def', 'class', 'try', 'except', 'finally', 'with']);

/** The keyword that opens a block (`else` for the body of an else), searching back from its Body. */
function blockKeyword(body: SyntaxNode): SyntaxNode | undefined {
  for (let sibling = body.prevSibling; sibling; sibling = sibling.prevSibling) if (BLOCK_KEYWORDS.has(sibling.name)) return sibling;
  return undefined;
}

function keywordOf(statement: SyntaxNode, text: string): string {
  return /^\w+/.exec(text.slice(statement.from, statement.to))?.[0] ?? statement.name;
}

/**
 * The token that starts at or after `offset`, or undefined at the end of the text; `onLaterLine`
 * when a line ends between it and the code before `offset`.
 */
function nextToken(text: string, offset: number): { offset: number; text: string; onLaterLine: boolean } | undefined {
  const rest = /\S/.exec(text.slice(offset));
  if (!rest) return undefined;
  const start = offset + rest.index;
  const token = /^(\w+|\S)/.exec(text.slice(start))![0];
  const codeBefore = text.slice(0, offset).trimEnd().length;
  return { offset: start, text: token, onLaterLine: text.slice(codeBefore, start).includes('\n') };
}
