// `import name` in the statement dialect includes the property `name` as text (docs/spec-language.md),
// recursively. The assembled text keeps a position map back to every file, so that an error found
// later (by a check or at run time) points into the property where it was written.
//
// A property imported twice (two imports of one common property) is included once, at its first
// import, as Python runs a module once: including its `pop_header` twice would pop two headers.
import type { SyntaxNode, Tree } from '@lezer/common';
import type { SpecDiagnostic } from './diagnostic.ts';
import type { Dialect } from './dialect.ts';
import { PositionMap } from './position-map.ts';
import type { SourceLocation, SourceText } from './source.ts';
import { textOf, topLevelStatements } from './syntax-tree.ts';
import type { Undecodable } from './spec-file.ts';

/** The text of a property that `import name` can include. */
export interface PropertySource {
  name: string;
  /** Shown in messages: a path such as nfs/bridge/properties/learn.py, or a notebook cell. */
  file: string;
  text: string;
  /** The file's bytes stop decoding here (spec-file.ts): the property cannot be read. */
  undecodable?: Undecodable;
}

/**
 * Finds a property by name for a file that imports it (`importer`, as messages name it): a file beside that one or in
 * nfs/<nf>/properties/, or one defined earlier in a session.
 */
export type PropertyLookup = (name: string, importer: string) => PropertySource | undefined;

/** A file that passed the per-file checks (syntax, dialect, constructs). */
export interface CheckedFile {
  name: string;
  source: SourceText;
  tree: Tree;
  dialect: Dialect;
  /** The import statements that brought this file in, innermost first (empty for the spec itself). */
  importedFrom: SourceLocation[];
}

export interface InlinedSpec {
  positions: PositionMap;
  /** Every included file, in inclusion order (the spec itself first). */
  files: CheckedFile[];
}

export function inlineImports(
  root: CheckedFile,
  lookup: PropertyLookup,
  checkFile: (property: PropertySource, importedFrom: SourceLocation[]) => CheckedFile | SpecDiagnostic[],
): InlinedSpec | SpecDiagnostic[] {
  const positions = new PositionMap();
  const files: CheckedFile[] = [root];
  const errors: SpecDiagnostic[] = [];
  const fail = (file: CheckedFile, node: SyntaxNode, message: string) => errors.push({ ...file.source.locate(node.from), importedFrom: file.importedFrom, kind: 'import', message });

  const include = (file: CheckedFile, importChain: string[]) => {
    let copiedUpTo = 0;
    for (const statement of topLevelStatements(file.tree)) {
      if (statement.name !== 'ImportStatement' || statement.firstChild?.name === 'from') continue;
      positions.append(file.source, copiedUpTo, statement.from, file.importedFrom);
      copiedUpTo = statement.to;
      for (const nameNode of statement.getChildren('VariableName')) {
        const name = textOf(nameNode, file.source.text);
        if (importChain.includes(name)) {
          const cycle = [...importChain.slice(importChain.indexOf(name)), name].join(' imports ');
          fail(file, nameNode, `import cycle: ${cycle}; remove one of these imports`);
          continue;
        }
        if (files.some((f) => f.name === name)) continue;
        const property = lookup(name, file.source.file);
        if (!property) {
          const beside = file.source.file.endsWith('.py') ? `, no ${name}.py beside ${file.source.file}` : '';
          fail(file, nameNode, `unknown property '${name}': there is no properties/${name}.py for this NF${beside} and no property named '${name}' defined earlier in the session`);
          continue;
        }
        const checked = checkFile(property, [file.source.locate(statement.from), ...file.importedFrom]);
        if (Array.isArray(checked)) {
          errors.push(...checked);
          continue;
        }
        if (checked.dialect === 'function') {
          fail(file, nameNode, `property '${name}' is written in the function dialect (def spec(...)) and cannot be included as text; import only statement-dialect properties`);
          continue;
        }
        files.push(checked);
        include(checked, [...importChain, name]);
      }
    }
    positions.append(file.source, copiedUpTo, file.source.text.length, file.importedFrom);
  };

  include(root, [root.name]);
  return errors.length ? errors : { positions, files };
}
