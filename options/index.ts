// The one option library's setup, shared by `vigor` (cli/) and the kernel's magics: commander Commands whose mistakes are thrown, worded by their owner.
import { Command, CommanderError, type Option } from 'commander';

/** The one usage-error type: every mistake in how a command or a magic was called, commander's or ours. */
export { CommanderError };

/** How a command words the option mistakes commander finds; all others go through `command.error(message)`. */
export interface Wording {
  /** An option the command does not have, such as `--fast`. */
  unknownOption(flag: string, command: WordedCommand): string;
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
    this.error(this.wording.unknownOption(flag, this), { code: 'commander.unknownOption' });
  }

  optionMissingArgument(option: Option): never {
    this.error(this.wording.missingValue(option, this), { code: 'commander.optionMissingArgument' });
  }
}
