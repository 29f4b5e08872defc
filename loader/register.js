// How Node runs the project's TypeScript: tsx's hooks, then ours, which hand Binaryen's module to Node as it is.
//
// tsx rewrites every dynamic import() of an ES module it loads, with a full source map, and binaryen.js (13 MB,
// one `import("node:module")`) then took 18-22 s to load instead of 1.2 s: every first build (asc loads it) and
// every instrumented replay build paid that. Hooks registered later run first, so ours answer for that one file
// before tsx sees it. Used as `node --import ./loader/register.js`, or imported first thing by an entry point.
import { createRequire, register as registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
// Binaryen as the compiler imports it (assemblyscript/binaryen re-exports the `binaryen` package).
const binaryen = pathToFileURL(createRequire(import.meta.resolve('assemblyscript/binaryen')).resolve('binaryen')).href;
registerHooks('./untransformed.ts', { parentURL: import.meta.url, data: { untransformed: [binaryen] } });
