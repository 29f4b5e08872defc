// The Commands `%nf`, `%%property` and `%verify` read their arguments with: one definition each, used by the magic
// to parse and by completion (kernel/session/magic-assistance.ts) to offer options and their values.
import { LAYERS, LAYERS_HELP, readLayers } from '../../engine/index.ts';
import { magicCommand, type WordedCommand } from '../session/magic-failures.ts';
import type { Layers } from './engine-protocol.ts';

/** `%nf NAME_OR_PATH [--layers nf|nf,io|full]`. */
export function nfCommand(): WordedCommand {
  const command = magicCommand('%nf', '%nf bridge').argument('[NF...]');
  command.option('--layers <LAYERS>', `the layers to verify (${LAYERS_HELP})`, (text: string): Layers => {
    const layers = readLayers(text);
    return typeof layers === 'string' ? layers : command.error(layers.mistake);
  }, LAYERS[0]);
  // Offered by completion; the parser above words the mistake (commander's .choices() would word it its own way).
  command.options.at(-1)!.argChoices = [...LAYERS];
  return command;
}

/** `%%property NAME`. */
export function propertyCommand(): WordedCommand {
  return magicCommand('%%property', '%%property no_loop').argument('[NAME...]');
}

/** `%verify [NAME ...]`. */
export function verifyCommand(): WordedCommand {
  return magicCommand('%verify', '%verify spec').argument('[NAME...]');
}
