// Where JSON text first goes wrong, in a reader's terms: the manifest loader and the notebook reader word their errors with it.
import { type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';

/**
 * `line 3, column 8: value expected`, or null when the text is JSON. V8's messages give an index at best, and some
 * quote the text around it instead.
 */
export function jsonMistake(text: string): string | null {
  const errors: ParseError[] = [];
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  const first = errors[0];
  if (!first) return null;
  const words = printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `${position(text, first.offset)}: ${words}`;
}

/**
 * `line 5, column 3: "devices" is given twice in this object (first at line 4, column 3)`, or null: JSON.parse keeps
 * the last of two equal keys without a word, so a file edited twice would mean what its reader does not see.
 */
export function jsonDuplicateKey(text: string): string | null {
  const root = parseTree(text, [], { disallowComments: true, allowTrailingComma: false });
  const pending: Node[] = root ? [root] : [];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.type === 'object') {
      const seen = new Map<string, Node>();
      for (const property of node.children ?? []) {
        const key = property.children?.[0];
        if (!key) continue;
        const first = seen.get(String(key.value));
        if (first) return `${position(text, key.offset)}: "${String(key.value)}" is given twice in this object (first at ${position(text, first.offset)})`;
        seen.set(String(key.value), key);
      }
    }
    pending.push(...(node.children ?? []));
  }
  return null;
}

/** `line L, column C` of a character offset. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `line ${before.split('\n').length}, column ${before.length - before.lastIndexOf('\n')}`;
}
