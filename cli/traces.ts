// `vigor traces NF_DIR [--layers LAYERS] [--loop-bound N]`: every path of an NF's nf_process (or, with the stack, of
// stack_poll), explored symbolically: its traces and low-level violations with counterexamples (exit 1 on a violation).
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { WordedCommand } from '../options/index.ts';
import { buildNf } from '../toolchain/build.ts';
import { requireNfFolder } from './input-files.ts';
import { addLayersOption, chosenLayers } from './layers-option.ts';

/**
 * The largest --loop-bound: exploration unrolls a loop depth-first, so a bound far above the engine's own (the
 * largest frame or config table for the NF, 256 at least; twice the largest ring under the stack) costs time and
 * stack; 20,000 ran in 25 s on a loop that never ends (tests/programs/nfs/spin), 100,000 for minutes until the
 * stack ran out.
 */
const MAX_LOOP_BOUND = 10_000;

export function addTraces(program: WordedCommand, exit: (code: number) => void): void {
  const command = program
    .command('traces')
    .description("explore every path of the NF's nf_process (NF_DIR may be a folder of NFs, e.g. nfs); exits 1 when a violation is found")
    .usage('NF_DIR [--layers LAYERS] [--loop-bound N]')
    .argument('<NF_DIR>', 'an NF folder (with nf.json), or a folder of them');
  addLayersOption(command)
    .option('--loop-bound <N>', `iterations a loop may run before the exploration reports a possible hang (1 to ${MAX_LOOP_BOUND})`, (text: string) =>
      /^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= MAX_LOOP_BOUND ? Number(text)
        : command.error(`--loop-bound takes a whole number from 1 to ${MAX_LOOP_BOUND}, not "${text}"`))
    .action(async (dir: string, { loopBound, layers }: { loopBound?: number; layers: string }) => exit(await traces(command, resolve(requireNfFolder(command, dir)), layers, loopBound)));
}

async function traces(command: WordedCommand, dir: string, named: string, loopBound: number | undefined): Promise<number> {
  // Loaded here so that the other commands start without the engine.
  const engine = await import('../engine/index.ts');
  const { exploreLayers, formatExploration, formatLayerFigures, layerFigures } = engine;
  const layers = chosenLayers(command, named, engine);
  let violations = 0;
  for (const nfDir of nfFolders(command, dir)) {
    // A source that is missing is an error (as in `vigor verify`), never a skipped NF: buildNf says which file.
    const run = await exploreLayers(await buildNf(nfDir), layers, { limits: loopBound === undefined ? {} : { loopBound } }).catch((error: unknown) => {
      // Deep unrolling can exhaust the stack before the bound is reached: say which bound, not V8's words alone.
      if (loopBound !== undefined && error instanceof RangeError && /call stack/.test(error.message)) {
        command.error(`--loop-bound ${loopBound}: exploring ${nfDir} ran out of stack unrolling its loops that deep; give a smaller bound`);
      }
      throw error;
    });
    console.log(formatExploration(run));
    console.log(`  ${formatLayerFigures(layerFigures(layers, run.figures, []))}`);
    violations += run.violations.length + run.initViolations.length;
  }
  return violations > 0 ? 1 : 0;
}

/** An NF folder, or a folder of NF folders (such as nfs/). */
function nfFolders(command: WordedCommand, dir: string): string[] {
  if (existsSync(join(dir, 'nf.json')) || !existsSync(dir)) return [dir];
  const nested = readdirSync(dir).map((name) => join(dir, name)).filter((path) => existsSync(join(path, 'nf.json'))).sort();
  if (nested.length === 0) command.error(`${dir} holds no nf.json, nor do its subfolders: name an NF folder such as nfs/nop`);
  return nested;
}
