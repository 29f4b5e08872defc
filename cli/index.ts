// `vigor`: the command line, one commander program whose subcommands are the files beside this one;
// `main(argv)` runs it and returns the exit code (bin/vigor.js sets it; tests call main in-process).
import { ManifestError } from '../nf-abi/index.ts';
import { CommanderError, WordedCommand } from '../options/index.ts';
import { NativeBaselineError, PcapError, TrafficError } from '../runtime/index.ts';
import { BuildError, PROJECT_ROOT } from '../toolchain/build.ts';
import { addBench } from './bench.ts';
import { addKernel } from './kernel.ts';
import { addRun } from './run.ts';
import { addTraces } from './traces.ts';
import { addVerify } from './verify.ts';

/**
 * Exit codes: 0 done, 1 a violation, a failing property or a failed run, 2 a usage mistake (printed with the
 * command's help), an input the command cannot use or an internal error (with where it was thrown), 130 a run
 * Ctrl-C stopped (`vigor run`, which still writes the notebook as executed so far). `--help`, `-h` and
 * `help COMMAND` print to stdout, exit 0.
 */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  try {
    await vigor((code) => (exitCode = code)).parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    // commander has printed the mistake and the help (or the help asked for).
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (!(error instanceof Error)) throw error;
    console.error(await failure(error));
    return 2;
  }
}

/** What a command that threw says: the input's mistake as it is; anything else as vigor's own bug, with where. */
export async function failure(error: Error): Promise<string> {
  if (await isInputError(error)) return `error: ${error.message}`;
  return `error: internal error, a bug in vigor (please report it with this text): ${error.message}\n${whereThrown(error)}`;
}

/** The first frames of an internal error's stack, paths relative to the project: where it was thrown. */
function whereThrown(error: Error): string {
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)).slice(0, 5);
  return frames.map((line) => line.replace('file://', '').replace(`${PROJECT_ROOT}/`, '')).join('\n');
}

/** The program; `exit` receives the exit code of the command that ran. */
function vigor(exit: (code: number) => void): WordedCommand {
  const program = new WordedCommand('vigor', { unknownOption: (flag, _command, similar) => `unknown option ${flag}${similar.length > 0 ? ` (did you mean ${similar.join(' or ')}?)` : ''}`, missingValue: (option) => `${option.long} needs a value` })
    .description('push-button verification of WebAssembly network functions, cell by cell in a notebook kernel')
    .configureOutput({
      // Through console.log, as every command's output: tests that call main in-process capture it there.
      writeOut: (text) => console.log(text.replace(/\n$/, '')),
      writeErr: (text) => process.stderr.write(text),
      // commander's own messages start with "error: "; the commands' (command.error(message)) get it here.
      outputError: (text, write) => write(text.startsWith('error: ') ? text : `error: ${text}`),
    })
    .configureHelp({ styleTitle: (title) => title.toLowerCase() })
    .showHelpAfterError();
  // Subcommands inherit the settings above, so they come after them.
  for (const add of [addTraces, addVerify, addBench, addKernel, addRun]) add(program, exit);
  return program;
}

/**
 * What the command was given is wrong, not how it was called: an NF that does not build, an nf.json, a spec or
 * property that cannot be read (a folder named like one), a limit of the verifier, traffic or a capture the
 * run-time cannot use. The engine is imported here, not above: only the
 * commands that explore load it (the kernel starts without it), and one that threw its error has loaded it.
 */
async function isInputError(error: Error): Promise<boolean> {
  const { EngineError, SpecFileError } = await import('../engine/index.ts');
  return [BuildError, ManifestError, EngineError, SpecFileError, TrafficError, NativeBaselineError, PcapError].some((type) => error instanceof type);
}
