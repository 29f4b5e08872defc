// Completion of magic names after % / %%, and of their arguments from the Command each magic parses with (options,
// option values, what its words may be); inspection shows a magic's summary.
import type { Completion, CompletionSource, InspectionSource } from './assistance.ts';
import type { MimeBundle } from './output.ts';
import { magicLabel, type Magic, type MagicRegistry } from './magics.ts';

const MAGIC_PREFIX = /(?:^|\n)[ \t]*(%%?[\w-]*)$/;
/** A magic's line up to the cursor: `%name args`, the cursor past the name. */
const MAGIC_ARGUMENTS = /(?:^|\n)[ \t]*(%%?)([A-Za-z_][\w-]*)[ \t]+([^\n]*)$/;

export class MagicAssistance implements CompletionSource, InspectionSource {
  constructor(private readonly registry: MagicRegistry) {}

  /** Magic names after % or %%; a magic's arguments after its name; undefined elsewhere. */
  async complete(code: string, cursorPos: number): Promise<Completion | undefined> {
    const before = code.slice(0, cursorPos);
    const found = MAGIC_PREFIX.exec(before);
    if (found) return this.completeName(code, cursorPos, found[1]!);
    const call = MAGIC_ARGUMENTS.exec(before);
    if (!call) return undefined;
    const [whole, percent, name, args] = call as unknown as [string, string, string, string];
    const kind = percent === '%%' ? 'cell' : 'line';
    // A cell magic is only one on the cell's first line; elsewhere `%%x` is not a magic at all.
    if (kind === 'cell' && before.slice(0, before.length - whole.length).trim() !== '') return undefined;
    const magic = this.registry.find(kind, name);
    if (!magic) return undefined;
    const typed = /\S*$/.exec(args)![0];
    // Inside a magic's arguments, Python's names do not apply: an empty answer, not none.
    return { matches: argumentMatches(magic, args.slice(0, args.length - typed.length), typed), cursorStart: cursorPos - typed.length, cursorEnd: cursorPos };
  }

  async inspect(code: string, cursorPos: number): Promise<MimeBundle | undefined> {
    const lineStart = code.lastIndexOf('\n', cursorPos - 1) + 1;
    const lineEnd = code.indexOf('\n', cursorPos);
    const line = code.slice(lineStart, lineEnd < 0 ? code.length : lineEnd);
    const match = /^\s*(%%?)([\w-]+)/.exec(line);
    // Only when the cursor is on the magic's name, not in its arguments.
    if (!match || cursorPos - lineStart > match[0].length) return undefined;
    const magic = this.registry.find(match[1] === '%%' ? 'cell' : 'line', match[2]!);
    if (!magic) return undefined;
    return { 'text/plain': `${magicLabel(magic.kind, magic.name)}: ${magic.summary}` };
  }

  private completeName(code: string, cursorPos: number, typed: string): Completion {
    const onFirstLine = code.slice(0, cursorPos - typed.length).trim() === '';
    const matches = this.registry
      .list()
      .filter((magic) => magic.kind === 'line' || onFirstLine)
      .map((magic) => magicLabel(magic.kind, magic.name))
      .filter((label) => label.startsWith(typed));
    return { matches, cursorStart: cursorPos - typed.length, cursorEnd: cursorPos };
  }
}

/** What may follow `earlier` (the arguments before the word being typed): an option's value, an option, or a word. */
function argumentMatches(magic: Magic, earlier: string, typed: string): string[] {
  if (!magic.arguments) return [];
  const options = magic.arguments.command().options;
  const previous = earlier.trim().split(/\s+/).at(-1) ?? '';
  const takingValue = options.find((option) => (option.long === previous || option.short === previous) && (option.required || option.optional));
  let candidates: string[];
  if (takingValue) candidates = takingValue.argChoices ?? [];
  else if (typed.startsWith('-')) candidates = options.flatMap((option) => (option.long ? [option.long] : option.short ? [option.short] : []));
  else candidates = magic.arguments.candidates?.(typed) ?? [];
  return candidates.filter((candidate) => candidate.startsWith(typed));
}
