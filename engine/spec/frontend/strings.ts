// Lezer's grammar ends a single-quoted string at the end of its line even without the closing
// quote; Python does not. These are the strings that never close.
import type { Tree } from '@lezer/common';
import type { Problem } from './problem.ts';

export function findUnterminatedStrings(tree: Tree, text: string): Problem[] {
  const problems: Problem[] = [];
  tree.iterate({
    enter: (ref) => {
      if (ref.name !== 'String' && ref.name !== 'FormatString') return;
      const literal = text.slice(ref.from, ref.to);
      const opening = /^[A-Za-z]*('''|"""|'|")/.exec(literal);
      if (!opening) return false;
      const body = literal.slice(opening[0].length);
      const quote = opening[1]!;
      const closed = body.length >= quote.length && body.endsWith(quote) && /(^|[^\\])(\\\\)*$/.test(body.slice(0, -quote.length));
      if (!closed) problems.push({ offset: ref.from, kind: 'syntax', message: `this string is never closed: add the closing ${quote} ${quote.length === 1 ? 'on the same line' : ''}`.trimEnd() });
      return false;
    },
  });
  return problems;
}
