// A spec that cannot run is the cell's error: a Python-style traceback naming the cell's line and column, the
// offending line with a caret, and the front-end's message (what is wrong and what to write instead).
import type { SpecDiagnostic } from '../../engine/index.ts';
import type { CellError } from '../session/output.ts';

/**
 * `cellFile` is how the cell is named in diagnostics (`Cell In[3]`); `cellText` its text with its own line numbers,
 * so that a diagnostic in the cell can quote its line. Diagnostics in imported files name those files. `raisedOn`:
 * for a spec that raised while it ran, the lines saying on which NF trace and input (formatRaisedOn).
 */
export function specError(diagnostics: SpecDiagnostic[], cellFile: string, cellText: string, raisedOn: string[] = []): CellError {
  const lines = cellText.split('\n');
  const traceback: string[] = [];
  for (const diagnostic of diagnostics) {
    traceback.push(`  File "${diagnostic.file}", line ${diagnostic.line}, column ${diagnostic.column}`);
    for (const at of diagnostic.importedFrom) traceback.push(`    imported at "${at.file}", line ${at.line}, column ${at.column}`);
    const source = diagnostic.file === cellFile ? lines[diagnostic.line - 1] : undefined;
    if (source !== undefined) {
      const indent = /^\s*/.exec(source)![0].length;
      traceback.push(`    ${source.slice(indent)}`, `    ${' '.repeat(Math.max(0, diagnostic.column - 1 - indent))}^`);
    }
    traceback.push(`${ENAMES[diagnostic.kind]}: ${diagnostic.message}`);
  }
  traceback.push(...raisedOn);
  const first = diagnostics[0]!;
  return {
    ename: ENAMES[first.kind],
    evalue: `${first.file}, line ${first.line}, column ${first.column}: ${first.message}`,
    traceback,
  };
}

/** Python's names where the spec error is Python's own; the spec language's kinds otherwise. */
const ENAMES: Record<SpecDiagnostic['kind'], string> = {
  syntax: 'SyntaxError',
  unsupported: 'SpecUnsupportedError',
  dialect: 'SpecDialectError',
  import: 'ImportError',
  state: 'SpecStateError',
  header: 'SpecHeaderError',
  constructor: 'SpecConstructorError',
  config: 'SpecConfigError',
  runtime: 'SpecRuntimeError',
};
