// How modules reached Node: as they are, or rewritten by tsx (which leaves an inline source map on what it rewrites).
import { createRequire, findSourceMap } from 'node:module';
import { pathToFileURL } from 'node:url';

type Loaded = 'as is' | 'transformed';
const how = (url: string): Loaded => (findSourceMap(url) === undefined ? 'as is' : 'transformed');

/** Binaryen's module (the loader hands it to Node as it is) and a module of the project with a dynamic import (through tsx). */
export async function howModulesLoad(): Promise<{ binaryen: Loaded; project: Loaded }> {
  await import('binaryen');
  const project = new URL('./dynamic-import.mjs', import.meta.url).href;
  await import(project);
  return { binaryen: how(pathToFileURL(createRequire(import.meta.resolve('assemblyscript/binaryen')).resolve('binaryen')).href), project: how(project) };
}
