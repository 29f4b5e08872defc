#!/usr/bin/env node
// `vigor`, the command npm installs: registers tsx (the project is TypeScript with no build step) and runs cli/.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
