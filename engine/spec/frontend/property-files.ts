// The properties of an NF on disk: nfs/<nf>/properties/<name>.py.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { PropertyLookup, PropertySource } from './property-imports.ts';
import { readSpecFile } from './spec-file.ts';

const PROPERTY_NAME = /^[A-Za-z_]\w*$/;

/** Looks `import name` up in `<nfDir>/properties/`; file names in messages are relative to `cwd`. */
export function propertiesFolder(nfDir: string, cwd = process.cwd()): PropertyLookup {
  return (name) => {
    if (!PROPERTY_NAME.test(name)) return undefined;
    const path = join(nfDir, 'properties', `${name}.py`);
    return existsSync(path) ? { name, file: relative(cwd, path), ...readSpecFile(path) } : undefined;
  };
}

/** Every property file of an NF, sorted by name (for verifying them all, and for completion). */
export function listProperties(nfDir: string, cwd = process.cwd()): PropertySource[] {
  const folder = join(nfDir, 'properties');
  if (!existsSync(folder)) return [];
  const lookup = propertiesFolder(nfDir, cwd);
  return readdirSync(folder)
    .filter((f) => f.endsWith('.py'))
    .map((f) => lookup(f.slice(0, -3)))
    .filter((p): p is PropertySource => p !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
}
