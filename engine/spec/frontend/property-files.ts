// The properties of an NF on disk: nfs/<nf>/properties/<name>.py, and those an operator's spec file imports from its own folder.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { PropertyLookup, PropertySource } from './property-imports.ts';
import { readSpecFile } from './spec-file.ts';

const PROPERTY_NAME = /^[A-Za-z_]\w*$/;

/**
 * Looks `import name` up beside the file that imports it, as Python looks in the importing script's folder first
 * (an operator's own folder of specs, checked with `--spec`), then in `<nfDir>/properties/`. An importer that is no
 * file (a notebook cell) has no folder. File names, the importer's and those in messages, are relative to `cwd`.
 */
export function propertiesFolder(nfDir: string, cwd = process.cwd()): PropertyLookup {
  const read = (name: string, path: string): PropertySource | undefined => (existsSync(path) ? { name, file: relative(cwd, path), ...readSpecFile(path) } : undefined);
  return (name, importer) => {
    if (!PROPERTY_NAME.test(name)) return undefined;
    const importerPath = resolve(cwd, importer);
    const beside = importer.endsWith('.py') && existsSync(importerPath) ? read(name, join(dirname(importerPath), `${name}.py`)) : undefined;
    return beside ?? read(name, join(nfDir, 'properties', `${name}.py`));
  };
}

/** Every property file of an NF, sorted by name (for verifying them all, and for completion). */
export function listProperties(nfDir: string, cwd = process.cwd()): PropertySource[] {
  const folder = join(nfDir, 'properties');
  if (!existsSync(folder)) return [];
  const lookup = propertiesFolder(nfDir, cwd);
  return readdirSync(folder)
    .filter((f) => f.endsWith('.py'))
    .map((f) => lookup(f.slice(0, -3), join(folder, f)))
    .filter((p): p is PropertySource => p !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
}
