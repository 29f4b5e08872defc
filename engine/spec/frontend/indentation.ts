// Indentation that Lezer's grammar tolerates but Python (and so the spec runner) rejects: a
// statement indented deeper than its block, or dedented to a level no enclosing block has.
import type { SyntaxNode, Tree } from '@lezer/common';
import type { Problem } from './problem.ts';
import type { SourceText } from './source.ts';

export function findIndentationProblems(tree: Tree, source: SourceText): Problem[] {
  const problems: Problem[] = [];
  const checkBlock = (block: SyntaxNode, enclosingLevels: number[]) => {
    const statements = block.getChildren('Statement').filter((s) => source.startsLine(s.from));
    const level = block.name === 'Script' ? 0 : (statements[0] ? source.indentationAt(statements[0].from) : undefined);
    if (level === undefined) return;
    if (block.name === 'Body' && level <= enclosingLevels.at(-1)!) {
      problems.push({ offset: statements[0]!.from, kind: 'syntax', message: 'expected an indented block: indent this line deeper than the line that ends with \':\'' });
    }
    for (const statement of statements) {
      const indentation = source.indentationAt(statement.from);
      if (indentation === level) continue;
      const columns = [...enclosingLevels, level].map((l) => l + 1).join(', ');
      const message =
        indentation > level && indentation > previousCodeIndentation(source, statement.from)
          ? `unexpected indentation: statements of this block start at column ${level + 1}`
          : `this line is dedented to column ${indentation + 1}, which matches no enclosing block (they start at columns ${columns})`;
      problems.push({ offset: statement.from, kind: 'syntax', message });
    }
    const inner = [...enclosingLevels, level];
    block.cursor().iterate((ref) => {
      if (ref.node === block) return true;
      if (ref.name === 'Body') {
        checkBlock(ref.node, inner);
        return false;
      }
      return true;
    });
  };
  checkBlock(tree.topNode, []);
  return problems;
}

/** Indentation of the closest line before `offset`'s line that holds code (not blank, not only a comment). */
function previousCodeIndentation(source: SourceText, offset: number): number {
  for (let line = source.locate(offset).line - 1; line >= 1; line--) {
    const text = source.lineText(line);
    if (/^\s*(#.*)?$/.test(text)) continue;
    return /^[ \t]*/.exec(text)![0].length;
  }
  return 0;
}
