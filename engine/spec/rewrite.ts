// Turns a statement-dialect spec into the body of a Python function the prelude can run, keeping line numbers:
// `return X` records its line (`return _returned(X)`), and a `pass` that ends its path claims nothing
// (`return _PASS`), as in Vigor's specs. Everything else is the user's text, indented one level.
import type { SyntaxNode } from '@lezer/common';
import { parsePython } from './frontend/syntax.ts';

export const SPEC_FUNCTION = '__spec__';

export function statementSpecBody(text: string): string {
  const edits: { at: number; end: number; text: string }[] = [];
  const tree = parsePython(text);
  tree.iterate({
    enter(ref) {
      const node = ref.node;
      if (node.name === 'ReturnStatement') {
        const value = text.slice(node.firstChild!.to, node.to).trim();
        edits.push({ at: node.from, end: node.to, text: `return _returned((${value || 'None'}))` });
      } else if (node.name === 'PassStatement' && endsPath(node)) {
        edits.push({ at: node.from, end: node.to, text: 'return _PASS' });
      }
    },
  });
  let rewritten = text;
  for (const edit of edits.sort((a, b) => b.at - a.at)) rewritten = rewritten.slice(0, edit.at) + edit.text + rewritten.slice(edit.end);
  // The function's first line is `def`, so the spec's line n is line n + 1: the engine subtracts it back.
  return `def ${SPEC_FUNCTION}():\n${rewritten.split('\n').map((line) => `    ${line}`).join('\n')}\n    return None\n`;
}

/** A line of the spec body run by Python, back to the line of the spec text. */
export const specTextLine = (bodyLine: number): number => bodyLine - 1;

/** Is nothing executed after this statement on its path (last in its block, up through enclosing ifs)? */
function endsPath(statement: SyntaxNode): boolean {
  const block = statement.parent;
  if (!block) return false;
  const statements: SyntaxNode[] = [];
  for (let child = block.firstChild; child; child = child.nextSibling) if (child.name.endsWith('Statement')) statements.push(child);
  if (statements[statements.length - 1]?.from !== statement.from) return false;
  if (block.name === 'Script') return true;
  return block.name === 'Body' && block.parent?.name === 'IfStatement' && endsPath(block.parent);
}
