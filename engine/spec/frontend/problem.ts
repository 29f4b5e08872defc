// A finding of one check, at an offset of the text the check looked at; the caller maps it to a
// file, line and column (see PositionMap), which may lie in an imported property.
import type { DiagnosticKind } from './diagnostic.ts';

export interface Problem {
  offset: number;
  kind: DiagnosticKind;
  message: string;
}
