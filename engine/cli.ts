// `npx vigor <command>`: the engine's command line.
import { resolve } from 'node:path';
import { BuildError, buildNf } from '../toolchain/build.ts';
import { ManifestError } from '../toolchain/manifest.ts';
import { formatExploration } from './report.ts';
import { exploreNf } from './symbex/nf.ts';
import { EngineError } from './symbex/violations.ts';

const USAGE = `usage:
  vigor traces NF_DIR [--loop-bound N] [--source FILE]
      explore every path of the NF's nf_process; exits 1 when a violation is found
  vigor kernel install [--user | --prefix DIR]   (the notebook kernel)`;

export async function main(args: string[]): Promise<number> {
  try {
    const [command, ...rest] = args;
    if (command === 'traces') return await traces(rest);
    console.error(command ? `unknown command "${command}"\n${USAGE}` : USAGE);
    return 2;
  } catch (e) {
    if (e instanceof BuildError || e instanceof ManifestError || e instanceof EngineError || e instanceof UsageError) {
      console.error(`error: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

class UsageError extends Error {}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value\n${USAGE}`);
  args.splice(at, 2);
  return value;
}

async function traces(args: string[]): Promise<number> {
  const loopBound = option(args, '--loop-bound');
  if (loopBound !== undefined && !/^\d+$/.test(loopBound)) throw new UsageError(`--loop-bound takes a whole number, not "${loopBound}"`);
  const [dir, ...extra] = args;
  if (!dir || extra.length > 0) throw new UsageError(USAGE);
  const build = await buildNf(resolve(dir));
  const run = await exploreNf(build, { limits: loopBound ? { loopBound: Number(loopBound) } : {} });
  console.log(formatExploration(run));
  return run.violations.length + run.initViolations.length > 0 ? 1 : 0;
}
