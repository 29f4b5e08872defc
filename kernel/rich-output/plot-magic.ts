// `%plot KIND ...`: one magic for every plot of the kernel; each part of the product (verification, benchmarks)
// contributes its kinds, drawn from what ran in this kernel session. The session's first chart carries plotly.js.
import { magicCommand, magicFailure, parseMagic } from '../session/magic-failures.ts';
import type { Magic } from '../session/magics.ts';
import type { MimeBundle } from '../session/output.ts';
import { withPlotlyLibrary } from './plotly-bundle.ts';

export interface PlotKind {
  name: string;
  /** What the plot shows, for %plot's summary and its usage error. */
  summary: string;
  /** The plot's bundles (one per chart), or why there is nothing to plot yet, saying what to run first. */
  draw(): MimeBundle[] | { nothingYet: string };
}

export function plotMagic(kinds: PlotKind[]): Magic {
  const names = kinds.map((kind) => kind.name);
  const choices = `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  const command = () => magicCommand('%plot', `%plot ${names[0]}`).argument('[KIND...]');
  // One magic per kernel session: after a restart, the next chart carries plotly.js again.
  let plotlyShown = false;
  return {
    name: 'plot',
    kind: 'line',
    summary: `plot what ran in this kernel: ${kinds.map((kind) => `%plot ${kind.name} (${kind.summary})`).join(', ')}`,
    run: async ({ args }, { sink }) => {
      try {
        const parsed = parseMagic(command(), args);
        const asked = parsed.args;
        if (asked.length === 0 || asked.some((name) => !names.includes(name))) {
          parsed.error(`%plot takes ${choices} (one or more, e.g. %plot ${names[0]}), got "${args}"`);
        }
        // Every plot is drawn first: a missing one is the cell's error and nothing is shown half-way.
        const drawn = asked.map((name) => kinds.find((kind) => kind.name === name)!.draw());
        const charts: MimeBundle[] = [];
        for (const plot of drawn) {
          if ('nothingYet' in plot) return parsed.error(plot.nothingYet);
          charts.push(...plot);
        }
        for (const chart of charts) {
          sink.displayData({ data: plotlyShown ? chart : withPlotlyLibrary(chart), metadata: {} });
          plotlyShown = true;
        }
        return { status: 'ok' };
      } catch (error) {
        return magicFailure(error, {}, 'this is a bug of the kernel: report it with the notebook');
      }
    },
    arguments: { command, candidates: () => names },
  };
}
