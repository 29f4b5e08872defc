// The one option library's setup, shared by `vigor` (cli/) and the kernel's magics: commander Commands whose mistakes are thrown, worded by their owner.
import { Command, CommanderError, type Option } from 'commander';

/** The one usage-error type: every mistake in how a command or a magic was called, commander's or ours. */
export { CommanderError };

/** How a command words the option mistakes commander finds; all others go through `command.error(message)`. */
export interface Wording {
  /** An option the command does not have, such as `--fast`; `similar` are its options spelled nearly so. */
  unknownOption(flag: string, command: WordedCommand, similar: string[]): string;
  /** An option given without the value it takes (`option.long` is its name). */
  missingValue(option: Option, command: WordedCommand): string;
}

/**
 * A commander Command that throws a CommanderError instead of exiting, writes nothing until told where
 * (`configureOutput`), and words unknown options and missing values as `wording` says. Its subcommands (made
 * with `.command()`) are WordedCommands with the same wording, settings and output.
 */
export class WordedCommand extends Command {
  constructor(name: string, private readonly wording: Wording) {
    super(name);
    this.exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  }

  override createCommand(name: string): WordedCommand {
    return new WordedCommand(name, this.wording);
  }

  // The two methods commander calls for these mistakes (undeclared in its typings, so not marked override).
  unknownOption(flag: string): never {
    this.error(this.wording.unknownOption(flag, this, similarOptions(flag, this)), { code: 'commander.unknownOption' });
  }

  optionMissingArgument(option: Option): never {
    this.error(this.wording.missingValue(option, this), { code: 'commander.optionMissingArgument' });
  }
}

/**
 * The command's long options within two edits (a letter added, dropped, changed or two swapped) of `flag`, the
 * closest first: what a misspelling such as `--propery` meant. commander finds these too, but only inside its own
 * message, which a Wording replaces.
 */
function similarOptions(flag: string, command: Command): string[] {
  if (!flag.startsWith('--')) return [];
  const near = command.options
    .flatMap((option) => (option.long ? [{ long: option.long, distance: editDistance(flag, option.long) }] : []))
    .filter(({ distance }) => distance <= 2);
  const closest = Math.min(...near.map(({ distance }) => distance));
  return near.filter(({ distance }) => distance === closest).map(({ long }) => long);
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours, one each. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** A number written in decimal, with an exponent if any: 64, -1, 0.9, .5, 1e6. */
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * An option's number as written in decimal, or null: Number() alone would also take " 7", "0x10", "0b11" and
 * "Infinity". Ranges are the caller's to check.
 */
export function decimalNumber(text: string): number | null {
  const value = Number(text);
  return DECIMAL.test(text) && Number.isFinite(value) ? value : null;
}
