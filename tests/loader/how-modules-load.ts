// How modules reached Node: as they are, or rewritten by tsx (which leaves an inline source map on what it rewrites).
import { createRequire, findSourceMap } from 'node:module';
import { pathToFileURL } from 'node:url';

type Loaded = 'as is' | 'transformed';
const how = (url: string): Loaded => (findSourceMap(url) === undefined ? 'as is' : 'transformed');

/** Binaryen's and Pyodide's large modules (the loader hands them to Node as they are), and a module of the project with a dynamic import (through tsx). */
export async function howModulesLoad(): Promise<{ binaryen: Loaded; pyodideCore: Loaded; project: Loaded }> {
  const pyodideCore = import.meta.resolve('pyodide/pyodide.asm.mjs');
  const project = new URL('./dynamic-import.mjs', import.meta.url).href;
  await Promise.all([import('binaryen'), import(pyodideCore), import(project)]);
  const binaryen = pathToFileURL(createRequire(import.meta.resolve('assemblyscript/binaryen')).resolve('binaryen')).href;
  return { binaryen: how(binaryen), pyodideCore: how(pyodideCore), project: how(project) };
}
