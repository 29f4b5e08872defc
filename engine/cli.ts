// `npx vigor <command>`: the engine's command line.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BuildError, buildNf } from '../toolchain/build.ts';
import { loadManifest, ManifestError } from '../toolchain/manifest.ts';
import { formatExploration } from './report.ts';
import { exploreNf } from './symbex/nf.ts';
import { EngineError } from './symbex/violations.ts';

const USAGE = `usage:
  vigor traces NF_DIR [--loop-bound N]
      explore every path of the NF's nf_process (NF_DIR may be a folder of NFs, e.g. nfs);
      exits 1 when a violation is found
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
  let violations = 0;
  for (const nfDir of nfFolders(resolve(dir))) {
    const manifest = loadManifest(nfDir);
    if (!existsSync(join(nfDir, manifest.source))) {
      console.log(`${manifest.name}: skipped, its source ${manifest.source} is not written yet`);
      continue;
    }
    const run = await exploreNf(await buildNf(nfDir), { limits: loopBound ? { loopBound: Number(loopBound) } : {} });
    console.log(formatExploration(run));
    violations += run.violations.length + run.initViolations.length;
  }
  return violations > 0 ? 1 : 0;
}

/** An NF folder, or a folder of NF folders (such as nfs/). */
function nfFolders(dir: string): string[] {
  if (existsSync(join(dir, 'nf.json')) || !existsSync(dir)) return [dir];
  const nested = readdirSync(dir).map((name) => join(dir, name)).filter((path) => existsSync(join(path, 'nf.json'))).sort();
  if (nested.length === 0) throw new UsageError(`${dir} holds no nf.json, nor do its subfolders: name an NF folder such as nfs/nop`);
  return nested;
}
