// The layers a verification covers (`--layers`, `%nf NAME --layers`): their names, how a user's text reads as one,
// and the figures each reports (the columns of Vigor's Table 3).
export const LAYERS = ['nf', 'nf,io', 'full'] as const;
export type Layers = (typeof LAYERS)[number];
/** The layers that put the NF under the stack: each explores the poll over a stacked build of its own. */
export type StackedLayers = Exclude<Layers, 'nf'>;

/** What each selection verifies, for help texts. */
export const LAYERS_HELP =
  'nf: the NF alone, packets and time given by contracts; nf,io: the NF under the I/O loop, the driver a contract; ' +
  'full: the NF with the I/O loop and the driver, only the device modelled (stack-models/), and all that nf,io checks';

/** The layers `text` names, or a message saying what was wrong and what to write instead. */
export function readLayers(text: string): Layers | { mistake: string } {
  const layers = LAYERS.find((known) => known === text.trim());
  return layers ?? { mistake: `--layers ${text} names no layers: write one of ${LAYERS.join(', ')} (${LAYERS_HELP})` };
}

/** Table 3's figures of one verification: traces, symbolic-execution time, mean validation time per trace. */
export interface LayerFigures {
  layers: Layers;
  traces: number;
  explorationSeconds: number;
  /** Seconds to check one property against one trace, over the properties checked (null: none was). */
  validationSecondsPerTrace: number | null;
}

/** The figures of a verification given its exploration and the checked properties' times and trace counts. */
export function layerFigures(layers: Layers, exploration: { traces: number; seconds: number }, checked: readonly { seconds: number; traces: number }[]): LayerFigures {
  const traces = checked.reduce((n, c) => n + c.traces, 0);
  const seconds = checked.reduce((n, c) => n + c.seconds, 0);
  return { layers, traces: exploration.traces, explorationSeconds: exploration.seconds, validationSecondsPerTrace: traces > 0 ? seconds / traces : null };
}
