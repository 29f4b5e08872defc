// How a magic reads its arguments and how its failure becomes the cell's error: a usage mistake (a CommanderError,
// thrown by the magic's Command) says what to write, an error reported by a worker (the verifier, the benchmarks)
// keeps its class name and gets a hint, an interrupt is KeyboardInterrupt.
import { CommanderError, WordedCommand, type Wording } from '../../options/index.ts';
import { WorkerFailure } from '../workers/interruptible-worker.ts';
import { cellError, type CellOutcome } from './output.ts';

export type { WordedCommand };
/** Magics read numbers as `vigor` reads its options'. */
export { decimalNumber } from '../../options/index.ts';

/**
 * The Command that reads a magic's arguments: `label` is the magic as written (`%bench`), `example` a whole line
 * using it. Its mistakes (and the magic's own, through `command.error(message)`) throw a CommanderError that says
 * what to write. No --help: an unknown option lists the options.
 */
export function magicCommand(label: string, example: string): WordedCommand {
  return new MagicCommand(label, example, {
    unknownOption: (flag, command) => {
      const names = command.options.map((option) => option.long);
      return `${label} has no option ${flag}; ${names.length > 0 ? `its options: ${names.join(', ')}` : 'it takes none'} (e.g. ${example})`;
    },
    missingValue: (option) => `${label} ${option.long} needs a value after it${option.defaultValue === undefined ? '' : `, e.g. ${option.long} ${option.defaultValue}`}`,
  }).helpOption(false);
}

/**
 * Words the argument mistakes commander finds as the options' are (commander's own text is "error: missing required
 * argument 'WHAT'", which the cell's UsageError would repeat): what the magic takes, and an example.
 */
class MagicCommand extends WordedCommand {
  constructor(label: string, private readonly example: string, wording: Wording) {
    super(label, wording);
  }

  // The two methods commander calls for these mistakes (undeclared in its typings, so not marked override).
  missingArgument(name: string): never {
    const argument = this.registeredArguments.find((registered) => registered.name() === name);
    const values = argument?.description ? ` (${argument.description})` : '';
    this.error(`${this.name()} needs ${name}${values}, e.g. ${this.example}`, { code: 'commander.missingArgument' });
  }

  _excessArguments(received: string[]): void {
    if ((this as unknown as { _allowExcessArguments: boolean })._allowExcessArguments) return;
    const expected = this.registeredArguments.map((argument) => argument.name());
    const takes = expected.length === 0 ? 'takes no arguments' : `takes ${expected.length === 1 ? 'one argument' : `${expected.length} arguments`} (${expected.join(' ')})`;
    const extra = received.slice(expected.length).map((word) => `"${word}"`).join(' ');
    this.error(`${this.name()} ${takes}, not ${extra} (e.g. ${this.example})`, { code: 'commander.excessArguments' });
  }
}

/** Reads a magic's argument line (words between white space) with its command; the values are then on the command. */
export function parseMagic<C extends WordedCommand>(command: C, args: string): C {
  return command.parse(args.split(/\s+/).filter((word) => word !== ''), { from: 'user' });
}

/**
 * `hints` says what to do about each error class the worker reports; `otherwise` for any other. An error that is
 * neither a usage mistake nor a worker's is rethrown: it is a bug of the kernel and the session reports it so.
 */
export function magicFailure(error: unknown, hints: Record<string, string>, otherwise: string): CellOutcome {
  if (error instanceof CommanderError) return cellError('UsageError', error.message);
  if (!(error instanceof WorkerFailure)) throw error;
  if (error.interrupted) return cellError('KeyboardInterrupt', error.message);
  return cellError(error.errorName, error.message, [`${error.errorName}: ${error.message}`, `(${hints[error.errorName] ?? otherwise})`]);
}
