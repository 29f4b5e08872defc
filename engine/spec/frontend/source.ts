// A spec's text with its origin, and the 1-based line/column of any offset in it.

export interface SourceLocation {
  /** File path (e.g. nfs/bridge/properties/learn.py) or a cell name, as the user knows it. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in characters (UTF-16 code units, as the editor counts them). */
  column: number;
}

export class SourceText {
  private readonly lineStarts: number[] = [0];

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  locate(offset: number): SourceLocation {
    const line = this.lineIndexOf(Math.max(0, Math.min(offset, this.text.length)));
    return { file: this.file, line: line + 1, column: offset - this.lineStarts[line]! + 1 };
  }

  /** Offset of a 1-based line and column (clamped to the text). */
  offsetOf(line: number, column = 1): number {
    const start = this.lineStarts[Math.max(0, Math.min(line, this.lineCount) - 1)]!;
    return Math.min(start + column - 1, this.text.length);
  }

  /** The text of a 1-based line, without its newline. */
  lineText(line: number): string {
    const start = this.offsetOf(line);
    const end = this.text.indexOf('\n', start);
    return this.text.slice(start, end < 0 ? this.text.length : end);
  }

  /** Number of spaces and tabs that start the line holding `offset`. */
  indentationAt(offset: number): number {
    const line = this.locate(offset).line;
    return /^[ \t]*/.exec(this.lineText(line))![0].length;
  }

  /** Whether only spaces and tabs precede `offset` on its line. */
  startsLine(offset: number): boolean {
    return this.locate(offset).column - 1 === this.indentationAt(offset);
  }

  private lineIndexOf(offset: number): number {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }
}
