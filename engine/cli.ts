// `npx vigor <command>`: the engine's command line.
import { formatResultTable } from './render/property.ts';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BuildError, buildNf } from '../toolchain/build.ts';
import { loadManifest, ManifestError } from '../nf-abi/index.ts';
import { formatExploration } from './render/exploration.ts';
import { listProperties } from './spec/frontend/index.ts';
import { verifyInParallel } from './pool/pool.ts';
import { exploreNf } from './nf/explore-nf.ts';
import { EngineError } from './symbex/violations.ts';
import { takeOption, UsageError } from '../toolchain/cli-args.ts';

const USAGE = `usage:
  vigor traces NF_DIR [--loop-bound N]
      explore every path of the NF's nf_process (NF_DIR may be a folder of NFs, e.g. nfs);
      exits 1 when a violation is found
  vigor verify NF_DIR [--property NAME ...] [--spec FILE ...]
      check spec.py and every property in properties/ (or only those named) against the NF;
      exits 1 when a property fails or a spec is invalid
  vigor kernel install [--user | --prefix DIR]   (the notebook kernel)`;

export async function main(args: string[]): Promise<number> {
  try {
    const [command, ...rest] = args;
    if (command === 'traces') return await traces(rest);
    if (command === 'verify') return await verify(rest);
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


const option = (args: string[], name: string): string | undefined => takeOption(args, name, USAGE);

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

async function verify(args: string[]): Promise<number> {
  const named: string[] = [];
  const files: string[] = [];
  for (let name = option(args, '--property'); name !== undefined; name = option(args, '--property')) named.push(name);
  for (let file = option(args, '--spec'); file !== undefined; file = option(args, '--spec')) files.push(resolve(file));
  const [dir, ...extra] = args;
  if (!dir || extra.length > 0) throw new UsageError(USAGE);
  const nfDir = resolve(dir);
  const properties = join(nfDir, 'properties');
  for (const name of named) {
    const path = join(properties, `${name}.py`);
    if (!existsSync(path)) throw new UsageError(`no property ${name}: ${path} does not exist (properties: ${listProperties(nfDir).map((p) => p.name).join(', ') || 'none'})`);
    files.push(path);
  }
  if (files.length === 0) {
    if (existsSync(join(nfDir, 'spec.py'))) files.push(join(nfDir, 'spec.py'));
    files.push(...listProperties(nfDir).map((p) => join(properties, `${p.name}.py`)));
  }
  const progress = new Progress();
  progress.show(`exploring the NF and checking ${files.length} properties`);
  const verification = await verifyInParallel(nfDir, files, (done) => progress.show(`checked ${done} of ${files.length} properties`));
  progress.done();
  const { results, violations } = verification;
  console.log(formatResultTable(verification.nf, verification.traces, results));
  if (violations.length > 0) console.log(`\nThe NF itself has ${violations.length} violation(s); no property holds of it until they are fixed:\n${violations.join('\n')}`);
  for (const result of results) if (result.verdict !== 'holds') console.log(`\n${result.report}`);
  return violations.length === 0 && results.every((r) => r.verdict === 'holds') ? 0 : 1;
}

/** A one-line status on a terminal's stderr; silent when stderr is not a terminal (logs, CI). */
class Progress {
  private readonly live = process.stderr.isTTY === true;
  show(text: string): void {
    if (this.live) process.stderr.write(`\r\x1b[2K${text} …`);
  }
  done(): void {
    if (this.live) process.stderr.write('\r\x1b[2K');
  }
}
