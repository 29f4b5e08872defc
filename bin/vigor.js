#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so a fresh clone needs no build step.
// `kernel` and `run` belong to the notebook kernel, `bench` to the run-time; everything else to the engine (which
// imports neither).
import { register } from 'tsx/esm/api';
register();
const args = process.argv.slice(2);
const owner = ['kernel', 'run'].includes(args[0]) ? '../kernel/cli.ts' : args[0] === 'bench' ? '../runtime/cli.ts' : '../engine/cli.ts';
const { main } = await import(owner);
process.exitCode = await main(args);
