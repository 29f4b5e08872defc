// `--layers LAYERS`, as `vigor traces` and `vigor verify` read it. The engine's `readLayers` judges the text once
// the action has loaded the engine (the CLI starts without it); tests/stack-verification/layers.test.ts checks that this help
// names every one of the engine's LAYERS.
import type { Layers } from '../engine/index.ts';
import type { WordedCommand } from '../options/index.ts';

type Engine = typeof import('../engine/index.ts');

export function addLayersOption(command: WordedCommand): WordedCommand {
  return command.option('--layers <LAYERS>', 'the layers to verify: nf (the NF alone), nf,io (under the I/O loop, the driver a contract) ' +
    'or full (the whole stack, only the device modelled)', 'nf');
}

/** The layers the option named, or the usage mistake (exit 2) saying what to write. */
export function chosenLayers(command: WordedCommand, text: string, engine: Engine): Layers {
  const layers = engine.readLayers(text);
  return typeof layers === 'string' ? layers : command.error(layers.mistake);
}
