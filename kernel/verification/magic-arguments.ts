// The Commands `%nf`, `%%property` and `%verify` read their arguments with: one definition each, used by the magic
// to parse and by completion (kernel/session/magic-assistance.ts) to offer options and their values.
import { magicCommand, type WordedCommand } from '../session/magic-failures.ts';
import type { Layers } from './engine-protocol.ts';

export const LAYERS: readonly Layers[] = ['nf'];

/** `%nf NAME_OR_PATH [--layers nf]`. */
export function nfCommand(): WordedCommand {
  const command = magicCommand('%nf', '%nf bridge').argument('[NF...]');
  command.option('--layers <LAYERS>', 'the layers to verify', (text: string): Layers =>
    LAYERS.find((known) => known === text) ?? command.error(`--layers ${text} is not available; the layers verified so far: ${LAYERS.join(', ')}`), LAYERS[0]);
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
