// The kernel's own line magics, as IPython has them: `%lsmagic` (every magic and what it does) and `%history`
// (this session's inputs, by range, the last N, or a pattern).
import type { History } from './history.ts';
import { magicCommand, magicFailure, parseMagic, type WordedCommand } from './magic-failures.ts';
import type { CellOutcome } from './output.ts';
import { magicLabel, type Magic, type MagicRegistry } from './magics.ts';

/** A mistake in the arguments is the cell's UsageError. */
function usage(run: Magic['run']): Magic['run'] {
  return async (invocation, context): Promise<CellOutcome> => {
    try {
      return await run(invocation, context);
    } catch (error) {
      return magicFailure(error, {}, 'this is a bug of the kernel: report it with the notebook');
    }
  };
}

export function lsmagicMagic(registry: MagicRegistry): Magic {
  const command = () => magicCommand('%lsmagic', '%lsmagic');
  return {
    name: 'lsmagic',
    kind: 'line',
    summary: 'list the magics of this kernel and what each does',
    arguments: { command },
    run: usage(async ({ args }) => {
      parseMagic(command(), args);
      const magics = registry.list();
      const width = Math.max(...magics.map((magic) => magicLabel(magic.kind, magic.name).length));
      const section = (kind: 'line' | 'cell', title: string) => [
        title,
        ...magics.filter((magic) => magic.kind === kind).map((magic) => `  ${magicLabel(kind, magic.name).padEnd(width)}  ${magic.summary}`),
      ];
      const text = [...section('line', 'Line magics (a line at the top of a cell):'), '', ...section('cell', 'Cell magics (the first line of a cell):')].join('\n');
      return { status: 'ok', result: { data: { 'text/plain': text }, metadata: {} } };
    }),
  };
}

const EXAMPLE = '%history -n 1-3';

function historyCommand(): WordedCommand {
  return magicCommand('%history', EXAMPLE)
    .argument('[RANGE...]')
    .option('-n, --line-numbers', 'show the execution count of each input')
    .option('-l, --last <N>', 'only the last N inputs')
    .option('-g, --grep <PATTERN>', 'only inputs containing PATTERN (* and ? are wildcards)');
}

export function historyMagic(history: History): Magic {
  return {
    name: 'history',
    kind: 'line',
    summary: `this session's inputs: %history [-n] [-l N] [-g PATTERN] [N | N-M ...], e.g. ${EXAMPLE}`,
    arguments: { command: historyCommand },
    run: usage(async ({ args }, { sink }) => {
      const command = parseMagic(historyCommand(), args);
      const options = command.opts<{ lineNumbers?: boolean; last?: string; grep?: string }>();
      const whole = (text: string, what: string) => (/^\d+$/.test(text) && Number(text) > 0 ? Number(text) : command.error(`%history ${what} takes a positive whole number, not "${text}" (e.g. ${EXAMPLE})`));
      const rows = command.args.length > 0
        ? command.args.flatMap((range) => {
            const [start, stop = start]: number[] = range.split('-').map((bound) => whole(bound, 'range'));
            if (stop! < start!) command.error(`%history ${range} is reversed: write ${stop}-${start} (N-M is from N to M, M included)`);
            // As IPython's %history, N-M includes M.
            return history.query({ kind: 'range', session: 0, start: start!, stop: stop! + 1 }, false);
          })
        : options.grep !== undefined
          ? history.query({ kind: 'search', pattern: `*${options.grep}*`, n: null, unique: false }, false)
          : history.query({ kind: 'range', session: 0, start: 1, stop: null }, false);
      const shown = options.last === undefined ? rows : rows.slice(-whole(options.last, '-l'));
      const lines = shown.map(([, line, input]) => {
        const text = String(input);
        if (!options.lineNumbers) return text;
        const label = `${String(line).padStart(4)}: `;
        return label + text.split('\n').join(`\n${' '.repeat(label.length)}`);
      });
      // An empty answer says why, so that it does not read as a magic that did nothing.
      const stored = history.query({ kind: 'range', session: 0, start: 1, stop: null }, false).map(([, line]) => line);
      const why = stored.length === 0
        ? 'no input is stored yet'
        : command.args.length > 0
          ? `no input in ${command.args.join(' ')}: the stored ones are ${stored[0]}-${stored[stored.length - 1]}`
          : `no input contains "${options.grep}"`;
      sink.stream('stdout', `${lines.length > 0 ? lines.join('\n') : `%history: ${why}`}\n`);
      return { status: 'ok' };
    }),
  };
}
