// What the front-end reports about a spec that cannot run: where, what, and what to do.
import type { SourceLocation } from './source.ts';

export type DiagnosticKind =
  | 'syntax' // the text is not Python
  | 'unsupported' // Python that the spec language gives no meaning
  | 'dialect' // the shape of a dialect is broken (e.g. `def spec` with other parameters)
  | 'import' // `import name`: unknown property, cycle, misplaced
  | 'state' // `from state import`: a name the manifest does not declare; a state API misuse
  | 'header' // a header field or header constructor argument that does not exist; a malformed field literal (mac("01:80"))
  | 'constructor' // a record constructor with the wrong arguments
  | 'config' // `config[...]` with a key the manifest does not declare
  | 'runtime'; // the spec raised a Python exception while it ran (found only by running it)

export interface SpecDiagnostic extends SourceLocation {
  kind: DiagnosticKind;
  /** One sentence or two: what is wrong and what to write instead. */
  message: string;
  /** When the text came in through `import`: the import statements that brought it, innermost first. */
  importedFrom: SourceLocation[];
}

/** `file:line:column: message`, plus the chain of imports when there is one. */
export function formatDiagnostic(diagnostic: SpecDiagnostic): string {
  const via = diagnostic.importedFrom.map((at) => ` (imported at ${at.file}:${at.line}:${at.column})`).join('');
  return `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}: ${diagnostic.message}${via}`;
}
