// Spec size as the Vigor paper's evaluation reports it: lines holding code, not blank and not only
// a comment. Comments come from the parse tree, so a '#' inside a string is not mistaken for one.
import type { Tree } from '@lezer/common';

export function countSpecLines(tree: Tree, text: string): number {
  const inComment = new Uint8Array(text.length);
  tree.iterate({ enter: (ref) => void (ref.name === 'Comment' && inComment.fill(1, ref.from, ref.to)) });
  let count = 0;
  let lineHasCode = false;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text[i] === '\n') {
      if (lineHasCode) count++;
      lineHasCode = false;
    } else if (!inComment[i] && !/\s/.test(text[i]!)) lineHasCode = true;
  }
  return count;
}
