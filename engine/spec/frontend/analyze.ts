// The front-end's entry point: a spec's text in, either the errors a user must fix (with file,
// line and column) or the analysed spec the runner executes.
import type { Tree } from '@lezer/common';
import type { Manifest } from '../../../nf-abi/index.ts';
import { checkSpec } from './checks.ts';
import { findUnsupportedConstructs } from './constructs.ts';
import type { SpecDiagnostic } from './diagnostic.ts';
import { detectDialect, type Dialect } from './dialect.ts';
import { inlineImports, type CheckedFile, type PropertyLookup, type PropertySource } from './property-imports.ts';
import { countSpecLines } from './line-count.ts';
import { PositionMap } from './position-map.ts';
import { SourceText, type SourceLocation } from './source.ts';
import { findSyntaxError, parsePython } from './syntax.ts';
import { findTooDeepBrackets, findTooDeepExpressions } from './nesting.ts';
import { insideFunction, nodesNamed, textOf } from './syntax-tree.ts';

export interface SpecInput extends PropertySource {
  manifest: Manifest;
  /** Resolves `import name`; without it every import is an unknown property. */
  lookupProperty?: PropertyLookup;
}

export interface AnalyzedSpec {
  name: string;
  file: string;
  dialect: Dialect;
  /** The text to execute: the spec with every imported property inlined. */
  text: string;
  /** From an offset, or a line and column, of `text` back to where it was written. */
  positions: PositionMap;
  /** Properties included by `import`, in inclusion order. */
  imports: string[];
  /** State objects named by `from state import` (in the spec or its imports): the ones compared. */
  stateObjects: string[];
  /** Lines holding code: of the spec's own file, and with its imports. */
  lines: { own: number; withImports: number };
  /**
   * Whether the spec can claim anything at all: in the statement dialect a top-level `return` (a helper function's
   * is Python's), a `pop_header` (its `on_mismatch` is returned), an `assert` or a compared state object (`from state
   * import`); in the function dialect an
   * `assert`. One that claims nothing holds of every NF, which a verdict table must not let pass for a proof.
   */
  claims: boolean;
}

export type SpecAnalysis = { ok: true; spec: AnalyzedSpec } | { ok: false; errors: SpecDiagnostic[] };

export function analyzeSpec(input: SpecInput): SpecAnalysis {
  const root = checkFile(input, []);
  if (Array.isArray(root)) return { ok: false, errors: root };
  const inlined = root.dialect === 'statement' ? inlineImports(root, input.lookupProperty ?? (() => undefined), checkFile) : { positions: PositionMap.identity(root.source), files: [root] };
  if (Array.isArray(inlined)) return { ok: false, errors: inlined };

  const text = inlined.positions.text;
  const tree = parsePython(text);
  const problems = checkSpec(tree, text, input.manifest, root.dialect);
  if (problems.length) return { ok: false, errors: problems.map((p) => inlined.positions.diagnose(p.offset, p.kind, p.message)) };

  const ownLines = countSpecLines(root.tree, root.source.text);
  const stateObjects = stateImports(tree, text);
  return {
    ok: true,
    spec: {
      name: input.name,
      file: input.file,
      dialect: root.dialect,
      text,
      positions: inlined.positions,
      imports: inlined.files.slice(1).map((f) => f.name),
      stateObjects,
      lines: { own: ownLines, withImports: inlined.files.slice(1).reduce((sum, f) => sum + countSpecLines(f.tree, f.source.text), ownLines) },
      claims: nodesNamed(tree, 'AssertStatement').length > 0 || (root.dialect === 'statement' && (stateObjects.length > 0 || returns(tree, text))),
    },
  };
}

/** The checks one file must pass on its own, whether it is the spec or an imported property. */
function checkFile(property: PropertySource, importedFrom: SourceLocation[]): CheckedFile | SpecDiagnostic[] {
  if (property.undecodable) return [{ file: property.file, ...property.undecodable, kind: 'syntax', importedFrom }];
  // A byte-order mark (as Python allows) is no column of the first line; a final newline lets an inlined property
  // end before the next line of its importer.
  const text = property.text.replace(/^\uFEFF/, '');
  const source = new SourceText(property.file, text.endsWith('\n') ? text : `${text}\n`);
  const tree = parsePython(source.text);
  const positions = PositionMap.identity(source);
  const diagnose = (problems: { offset: number; kind: SpecDiagnostic['kind']; message: string }[]) =>
    problems.map((p) => ({ ...positions.diagnose(p.offset, p.kind, p.message), importedFrom }));
  // Python refuses the whole file for one (at line 1, column 1, once the NF is built): said here, where it is.
  const nul = source.text.indexOf('\0');
  if (nul >= 0) return diagnose([{ offset: nul, kind: 'syntax', message: 'a NUL byte: Python source cannot contain one; remove it (is this file text?)' }]);
  const syntaxError = findSyntaxError(tree, source);
  // Python's tokenizer refuses brackets too deep before anything after them (and Lezer gives up on thousands).
  if (syntaxError) return diagnose([...findTooDeepBrackets(tree).filter((p) => p.offset < syntaxError.offset), syntaxError].slice(0, 1));
  // Lezer skips a line continuation like whitespace; Python wants the line it continues to.
  const continuation = /\\\r?\n$/.exec(source.text);
  if (continuation && !['Comment', 'String', 'FormatString'].includes(tree.resolveInner(continuation.index, 1).name)) {
    return diagnose([{ offset: continuation.index, kind: 'syntax', message: 'a line continuation (\\) ends the file: Python expects the line it continues; remove it' }]);
  }
  const { dialect, problems } = detectDialect(tree, source.text);
  const unsupported = [...problems, ...findUnsupportedConstructs(tree, source.text, dialect), ...findTooDeepExpressions(tree), ...findTooDeepBrackets(tree)].sort((a, b) => a.offset - b.offset);
  if (unsupported.length) return diagnose(unsupported);
  return { name: property.name, source, tree, dialect, importedFrom };
}

/** A top-level `return` (a helper function's is Python's), or a `pop_header`, whose `on_mismatch` the spec returns. */
function returns(tree: Tree, text: string): boolean {
  return nodesNamed(tree, 'ReturnStatement').some((r) => !insideFunction(r)) ||
    nodesNamed(tree, 'CallExpression').some((call) => call.firstChild !== null && textOf(call.firstChild, text) === 'pop_header');
}

function stateImports(tree: Tree, text: string): string[] {
  const names = nodesNamed(tree, 'ImportStatement')
    .filter((s) => s.firstChild?.name === 'from')
    .flatMap((s) => s.getChildren('VariableName').slice(1).map((n) => textOf(n, text)));
  return [...new Set(names)];
}
