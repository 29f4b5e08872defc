#!/usr/bin/env node
// `vigor`, the command npm installs: registers the TypeScript loader (the project is TypeScript with no build step) and runs cli/.
import '../loader/register.js';

const { main } = await import('../cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
