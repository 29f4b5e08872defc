// How Node runs the project's TypeScript: tsx's hooks, then ours, which hand two large modules to Node as they are.
//
// tsx rewrites every dynamic import() of an ES module it loads, with a full source map: binaryen.js (13 MB, one
// `import("node:module")`) then took 18-24 s to load instead of 1.2 s, in every process's first build (asc loads
// it) and first instrumented replay build, and Pyodide's pyodide.asm.mjs (1.2 MB) made every start of a spec
// interpreter 0.4 s slower. Hooks registered later run first, so ours answer for those files before tsx sees
// them. Used as `node --import ./loader/register.js`, or imported first thing by an entry point.
import { createRequire, register as registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
// Binaryen as the compiler imports it (assemblyscript/binaryen re-exports the `binaryen` package).
const binaryen = pathToFileURL(createRequire(import.meta.resolve('assemblyscript/binaryen')).resolve('binaryen')).href;
// Not pyodide.mjs: loaded as it is, with source maps on (tsx turns them on), its own map sends the stack trace
// Pyodide finds its files by to sources that are not installed.
const pyodideCore = import.meta.resolve('pyodide/pyodide.asm.mjs');
registerHooks('./untransformed.ts', { parentURL: import.meta.url, data: { untransformed: [binaryen, pyodideCore] } });
