// Where JSON text first goes wrong, in a reader's terms: the manifest loader and the notebook reader word their errors with it.
import { type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';

/**
 * `line 3, column 8: value expected`, or null when the text is JSON. V8's messages give an index at best, and some
 * quote the text around it instead.
 */
export function jsonMistake(text: string): string | null {
  const errors: ParseError[] = [];
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  const first = errors[0];
  if (!first) return null;
  const before = text.slice(0, first.offset);
  const words = printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `line ${before.split('\n').length}, column ${before.length - before.lastIndexOf('\n')}: ${words}`;
}
