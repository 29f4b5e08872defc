// Completion of magic names after % / %%, and their summaries on inspection.
import type { Completion, CompletionSource, InspectionSource } from './assistance.ts';
import type { MimeBundle } from './output.ts';
import { magicLabel, type MagicRegistry } from './magics.ts';

const MAGIC_PREFIX = /(?:^|\n)[ \t]*(%%?[\w-]*)$/;

export class MagicAssistance implements CompletionSource, InspectionSource {
  constructor(private readonly registry: MagicRegistry) {}

  async complete(code: string, cursorPos: number): Promise<Completion | undefined> {
    const found = MAGIC_PREFIX.exec(code.slice(0, cursorPos));
    if (!found) return undefined;
    const typed = found[1];
    // A cell magic is only a cell magic on the cell's first line.
    const onFirstLine = code.slice(0, cursorPos - typed.length).trim() === '';
    const matches = this.registry
      .list()
      .filter((magic) => magic.kind === 'line' || onFirstLine)
      .map((magic) => magicLabel(magic.kind, magic.name))
      .filter((label) => label.startsWith(typed));
    return { matches, cursorStart: cursorPos - typed.length, cursorEnd: cursorPos };
  }

  async inspect(code: string, cursorPos: number): Promise<MimeBundle | undefined> {
    const lineStart = code.lastIndexOf('\n', cursorPos - 1) + 1;
    const lineEnd = code.indexOf('\n', cursorPos);
    const line = code.slice(lineStart, lineEnd < 0 ? code.length : lineEnd);
    const match = /^\s*(%%?)([\w-]+)/.exec(line);
    // Only when the cursor is on the magic's name, not in its arguments.
    if (!match || cursorPos - lineStart > match[0].length) return undefined;
    const magic = this.registry.find(match[1] === '%%' ? 'cell' : 'line', match[2]);
    if (!magic) return undefined;
    return { 'text/plain': `${magicLabel(magic.kind, magic.name)}: ${magic.summary}` };
  }
}
