// Text assembled from several sources (a spec with its imports inlined), and the way back from an
// offset of the assembled text to the file, line and column the user wrote.
import type { DiagnosticKind, SpecDiagnostic } from './diagnostic.ts';
import { SourceText, type SourceLocation } from './source.ts';

interface Segment {
  /** Range in the assembled text. */
  start: number;
  end: number;
  source: SourceText;
  /** Offset in `source` of the segment's first character. */
  sourceStart: number;
  importedFrom: SourceLocation[];
}

export interface MappedLocation extends SourceLocation {
  importedFrom: SourceLocation[];
}

export class PositionMap {
  private readonly segments: Segment[] = [];
  private assembled = '';
  private assembledSource: SourceText | undefined;

  /** A map of one source, unchanged. */
  static identity(source: SourceText): PositionMap {
    const map = new PositionMap();
    map.append(source, 0, source.text.length, []);
    return map;
  }

  /** Appends `source.text[from, to)`, which came in through the imports `importedFrom`. */
  append(source: SourceText, from: number, to: number, importedFrom: SourceLocation[]): void {
    if (to <= from) return;
    this.segments.push({ start: this.assembled.length, end: this.assembled.length + to - from, source, sourceStart: from, importedFrom });
    this.assembled += source.text.slice(from, to);
    this.assembledSource = undefined;
  }

  get text(): string {
    return this.assembled;
  }

  /** Where the character at `offset` of the assembled text was written. */
  locate(offset: number): MappedLocation {
    const segment = this.segmentAt(offset);
    if (!segment) return { file: '', line: 1, column: 1, importedFrom: [] };
    const inSource = segment.sourceStart + Math.min(offset, segment.end) - segment.start;
    return { ...segment.source.locate(inSource), importedFrom: segment.importedFrom };
  }

  /** Where a 1-based line and column of the assembled text (as a Python traceback gives them) was written. */
  locateLine(line: number, column = 1): MappedLocation {
    this.assembledSource ??= new SourceText('', this.assembled);
    return this.locate(this.assembledSource.offsetOf(line, column));
  }

  diagnose(offset: number, kind: DiagnosticKind, message: string): SpecDiagnostic {
    return { ...this.locate(offset), kind, message };
  }

  private segmentAt(offset: number): Segment | undefined {
    // An offset at the very end (a missing token at end of input) belongs to the last segment.
    return this.segments.find((s) => offset >= s.start && offset < s.end) ?? this.segments.at(-1);
  }
}
