// How modules reached Node: as they are, or rewritten by tsx (which leaves an inline source map on what it rewrites).
import { createRequire, findSourceMap } from 'node:module';
import { pathToFileURL } from 'node:url';

type Loaded = 'as is' | 'transformed';
const how = (url: string): Loaded => (findSourceMap(url) === undefined ? 'as is' : 'transformed');

/** Binaryen's module (which the loader exempts) and a small module with a dynamic import (which it does not). */
export async function howModulesLoad(): Promise<{ binaryen: Loaded; other: Loaded }> {
  await import('binaryen');
  const other = new URL('./dynamic-import.mjs', import.meta.url).href;
  await import(other);
  return { binaryen: how(pathToFileURL(createRequire(import.meta.resolve('assemblyscript/binaryen')).resolve('binaryen')).href), other: how(other) };
}
