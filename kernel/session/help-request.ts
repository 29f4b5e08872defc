// IPython's `name?` / `?name` (documentation) and `name??` / `??name` (with source) typed as a cell of its own:
// the kernel answers with what inspection (shift-tab) shows for that name.

export interface HelpRequest {
  /** The name asked about: a dotted Python name, a spec name or a magic (`%nf`). */
  name: string;
  detailLevel: 0 | 1;
}

const HELP = /^\s*(\?{1,2})?((?:%%?)?[A-Za-z_][\w.]*)(\?{1,2})?\s*$/;

/** The request a cell makes, or undefined when it is not one (marks on neither side, or on both). */
export function helpRequest(code: string): HelpRequest | undefined {
  const match = HELP.exec(code);
  if (!match) return undefined;
  const [, before, name, after] = match;
  const marks = before ?? after;
  if (!marks || (before && after)) return undefined;
  return { name: name!, detailLevel: marks.length === 2 ? 1 : 0 };
}

/** What IPython prints for a name it does not know. */
export function notFound(name: string): string {
  return `Object \`${name}\` not found.\n`;
}
