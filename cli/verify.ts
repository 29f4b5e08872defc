// `vigor verify NF_DIR [--layers LAYERS] [--property NAME ...] [--spec FILE ...]`: spec.py and every property (or those named)
// against the NF's traces, on a pool of worker threads: the verdict table, the NF's own violations, and each
// failure with its counterexample and replay. Exit 0 when every property holds and the NF has no violation, 1 when
// something fails, 2 on an error (an invalid spec, an ERROR verdict; build errors and usage mistakes via main).
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { loadManifest } from '../nf-abi/index.ts';
import type { Layers } from '../engine/index.ts';
import type { WordedCommand } from '../options/index.ts';
import { buildNf } from '../toolchain/build.ts';
import { requireFile, requireNfFolder } from './input-files.ts';
import { addLayersOption, chosenLayers } from './layers-option.ts';
import { StatusLine } from './status-line.ts';

type Engine = typeof import('../engine/index.ts');
type Row = Parameters<Engine['formatResultTable']>[3][number];

/** A repeatable option's values, in order (no default: commander would show "(default: [])" in the help). */
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

interface Chosen {
  layers: string;
  property?: string[];
  spec?: string[];
}

/** A spec to check: its path, its name (the table's row) and how messages show it. */
interface SpecFile {
  path: string;
  name: string;
  shown: string;
}

export function addVerify(program: WordedCommand, exit: (code: number) => void): void {
  const command = program
    .command('verify')
    .description('check spec.py and every property in properties/ (or only those named) against the NF; exit 0: every ' +
      'property holds and the NF has no violation, 1: a property fails or the NF has a violation, 2: an error (an invalid ' +
      'spec, an ERROR verdict, a build or manifest error, a usage mistake). Invalid specs are reported first, before the NF ' +
      'is built; when every spec is invalid nothing else is done. Progress goes to stderr when it is a terminal')
    .usage('NF_DIR [--layers LAYERS] [--property NAME ...] [--spec FILE ...]')
    .argument('<NF_DIR>', 'an NF folder (with nf.json)');
  addLayersOption(command)
    .option('--property <NAME>', "a property of the NF's properties/ folder (repeatable)", collect)
    .option('--spec <FILE>', 'a spec file (repeatable)', collect);
  command.action(async (dir: string, options: Chosen) => exit(await verify(command, resolve(requireNfFolder(command, dir)), options)));
}

async function verify(command: WordedCommand, nfDir: string, options: Chosen): Promise<number> {
  // Loaded here so that the other commands start without the engine.
  const engine = await import('../engine/index.ts');
  const layers = chosenLayers(command, options.layers, engine);
  // The folder's manifest first (a folder that is no NF says so), then the specs.
  const manifest = loadManifest(nfDir);
  const specs = chosenSpecs(command, nfDir, options, engine);
  // Static analysis first: a spec that cannot run is reported in a moment, not after the build and exploration.
  const lookupProperty = engine.propertiesFolder(nfDir);
  const invalid = new Set<SpecFile>();
  for (const spec of specs) {
    const analysis = engine.analyzeSpec({ name: spec.name, file: spec.shown, ...engine.readSpecFile(spec.path), manifest, lookupProperty });
    if (analysis.ok) continue;
    invalid.add(spec);
    console.error(`error: invalid spec ${spec.name}:\n${analysis.errors.map((e) => `  ${engine.formatDiagnostic(e)}`).join('\n')}`);
  }
  const valid = specs.filter((spec) => !invalid.has(spec));
  if (valid.length === 0) {
    console.error(`error: no valid spec to check (${invalid.size} invalid): fix ${invalid.size === 1 ? 'it' : 'them'} and run again; the NF was not built`);
    return 2;
  }
  if (invalid.size > 0) console.error(`the ${invalid.size} invalid spec(s) are listed as INVALID; checking the other ${valid.length}`);

  const status = new StatusLine();
  try {
    await exploreOnce(nfDir, manifest.name, layers, status, engine);
    status.show(`checking ${manifest.name}: 0 of ${valid.length} properties done`);
    const verification = await engine.verifyInParallel(nfDir, valid.map((spec) => spec.path),
      (done) => status.show(`checking ${manifest.name}: ${done} of ${valid.length} properties done`), { layers });
    status.clear();
    const { results, violations } = verification;
    const checked = new Map(valid.map((spec, i) => [spec, results[i]!]));
    const rows: Row[] = specs.map((spec) => checked.get(spec) ?? { name: spec.name, verdict: 'invalid' });
    console.log(engine.formatResultTable(verification.nf, verification.traces, violations.length, rows));
    console.log(engine.formatLayerFigures(verification.figures));
    if (violations.length > 0) console.log(`\nThe NF's own violations (fix them first):\n${violations.join('\n')}`);
    for (const result of results) if (result.verdict !== 'holds') console.log(`\n${result.report}`);
    if (rows.some((r) => r.verdict === 'invalid' || r.verdict === 'error')) return 2;
    return violations.length === 0 && rows.every((r) => r.verdict === 'holds') ? 0 : 1;
  } finally {
    status.clear();
  }
}

/**
 * The specs to check, each file checked to exist before anything else: those named by --spec and --property, or
 * else spec.py and every property. Naming a file twice checks it once; two files with one name would make two
 * rows no one could tell apart, so they are a mistake.
 */
function chosenSpecs(command: WordedCommand, nfDir: string, options: Chosen, engine: Engine): SpecFile[] {
  const properties = join(nfDir, 'properties');
  const named = [
    ...(options.spec ?? []).map((file) => ({ path: requireFile(command, `--spec ${file}`, resolve(file)), shown: file })),
    ...(options.property ?? []).map((name) => {
      // A name of properties/ only (`../spec` would reach another file), without its `.py`.
      const known = engine.listProperties(nfDir).map((p) => p.name);
      if (!known.includes(name)) {
        const meant = basename(name).replace(/\.py$/, '');
        const hint = meant !== name && known.includes(meant) ? `: the name is ${meant} (--property ${meant})` : `: ${engine.shownPath(properties)} has no ${name}.py`;
        command.error(`no property ${name}${hint} (properties: ${known.join(', ') || 'none'}; --spec FILE checks any other file)`);
      }
      const path = join(properties, `${name}.py`);
      return { path, shown: engine.shownPath(path) };
    }),
  ];
  const everything = () => [join(nfDir, 'spec.py'), ...engine.listProperties(nfDir).map((p) => join(properties, `${p.name}.py`))]
    .filter((path) => existsSync(path)).map((path) => ({ path, shown: engine.shownPath(path) }));
  const byPath = new Map<string, SpecFile>();
  for (const { path, shown } of named.length > 0 ? named : everything()) byPath.set(path, { path, shown, name: engine.propertyName(path) });
  const specs = [...byPath.values()];
  if (specs.length === 0) command.error(`${engine.shownPath(nfDir) || '.'} has no spec.py and no properties/*.py: write one, or name a spec with --spec FILE`);
  for (const spec of specs) {
    const twin = specs.find((other) => other !== spec && other.name === spec.name);
    if (twin) command.error(`two specs are named ${spec.name} (${spec.shown} and ${twin.shown}): the table could not tell them apart; rename one`);
  }
  return specs;
}

/**
 * Builds and explores the NF here, showing progress, unless its traces are cached: the pool's workers then read
 * them from the cache (as every later run does) instead of each exploring the NF at once, without a word.
 */
async function exploreOnce(nfDir: string, nf: string, layers: Layers, status: StatusLine, engine: Engine): Promise<void> {
  status.show(`building ${nf}`);
  const build = await buildNf(nfDir);
  status.show(`exploring ${nf}`);
  await engine.exploreCached(build, layers, {
    progress: ({ done, detail }) => status.show(`exploring ${nf}: ${done} paths explored${detail ? `, ${detail}` : ''}`, false),
  });
}
