// Magics are a registry: `%name args` (line) and `%%name args` + body (cell) map to handlers that other parts
// of the product (the engine: %nf, %verify, %plot, ...) register. The kernel itself registers only %%ts.
import type { WordedCommand } from '../../options/index.ts';
import { cellError, type CellOutcome, type OutputSink } from './output.ts';

export type MagicKind = 'line' | 'cell';

export interface MagicContext {
  sink: OutputSink;
  executionCount: number;
  /** Aborted when the user interrupts the kernel; long-running handlers must stop soon after. */
  signal: AbortSignal;
}

export interface MagicInvocation {
  /** The rest of the magic's line, after its name. */
  args: string;
  /** For a cell magic, the cell below the %% line; empty for a line magic. */
  body: string;
  /** 1-based line in the cell where `body` (or the line magic) starts, to report positions cell-relative. */
  firstLine: number;
}

export interface Magic {
  name: string;
  kind: MagicKind;
  /** One line: shown in completions, inspection and the unknown-magic error. */
  summary: string;
  run(invocation: MagicInvocation, context: MagicContext): Promise<CellOutcome>;
  /** What its arguments may be, for completion (magic-assistance.ts). */
  arguments?: MagicArguments;
  /** Releases what the handler holds (workers, watchers) when the kernel shuts down. */
  dispose?(): Promise<void> | void;
}

export interface MagicArguments {
  /** A fresh Command of the kind `run` parses with: completion offers its options and their choices. */
  command(): WordedCommand;
  /** What a word that is not an option may be (NF folders, property names), given the word typed so far. */
  candidates?(typed: string): string[];
}

export function magicLabel(kind: MagicKind, name: string): string {
  return `${kind === 'cell' ? '%%' : '%'}${name}`;
}

export class MagicRegistry {
  private readonly magics = new Map<string, Magic>();

  register(magic: Magic): void {
    const label = magicLabel(magic.kind, magic.name);
    if (this.magics.has(label)) throw new Error(`magic ${label} is registered twice`);
    this.magics.set(label, magic);
  }

  find(kind: MagicKind, name: string): Magic | undefined {
    return this.magics.get(magicLabel(kind, name));
  }

  list(): Magic[] {
    return [...this.magics.values()].sort((a, b) => magicLabel(a.kind, a.name).localeCompare(magicLabel(b.kind, b.name)));
  }

  async disposeAll(): Promise<void> {
    for (const magic of this.magics.values()) await magic.dispose?.();
  }

  unknownMagic(kind: MagicKind, name: string, line: number): CellOutcome {
    const known = this.list().map((magic) => magicLabel(magic.kind, magic.name));
    const message = `${magicLabel(kind, name)} (line ${line}) is not a magic of this kernel; known magics: ${known.join(', ') || 'none'}`;
    return cellError('UsageError', message);
  }
}

/** A cell split into what runs it: one cell magic, or leading line magics followed by Python. */
export type CellPlan =
  | { kind: 'cell-magic'; name: string; invocation: MagicInvocation }
  | { kind: 'python'; lineMagics: { name: string; invocation: MagicInvocation }[]; python: string };

const MAGIC_LINE = /^(%%?)([A-Za-z_][\w-]*)\s*(.*)$/;
/** `# property: NAME` as a cell's first line is `%%property NAME` that keeps the cell plain Python for editors. */
const PROPERTY_COMMENT = /^#\s*property:\s*(.*)$/;

export function planCell(code: string): CellPlan {
  const lines = code.split('\n');
  const first = lines.findIndex((line) => line.trim() !== '');
  const propertyComment = first >= 0 ? PROPERTY_COMMENT.exec(lines[first].trim()) : null;
  if (propertyComment) {
    // The comment stays in the body: a comment in the spec, and the body's lines are the cell's.
    return { kind: 'cell-magic', name: 'property', invocation: { args: propertyComment[1].trim(), body: code, firstLine: 1 } };
  }
  const firstMatch = first >= 0 ? MAGIC_LINE.exec(lines[first].trim()) : null;
  if (firstMatch && firstMatch[1] === '%%') {
    return {
      kind: 'cell-magic',
      name: firstMatch[2],
      invocation: { args: firstMatch[3].trim(), body: lines.slice(first + 1).join('\n'), firstLine: first + 2 },
    };
  }
  const lineMagics: { name: string; invocation: MagicInvocation }[] = [];
  for (let index = 0; index < lines.length; index++) {
    const trimmed = lines[index].trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = MAGIC_LINE.exec(trimmed);
    if (!match || match[1] !== '%') break;
    lineMagics.push({ name: match[2], invocation: { args: match[3].trim(), body: '', firstLine: index + 1 } });
    lines[index] = '';
  }
  // Magic lines are blanked rather than removed so Python's line numbers stay those of the cell.
  return { kind: 'python', lineMagics, python: lineMagics.length === 0 ? code : lines.join('\n') };
}
