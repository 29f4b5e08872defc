// Table 3's figures of one verification (engine/stack/layers.ts) in one line: the CLI's, the kernel's plain text.
import type { LayerFigures } from '../stack/layers.ts';
import { plural } from './text.ts';

export function formatLayerFigures(f: LayerFigures): string {
  const validation = f.validationSecondsPerTrace === null ? 'no property checked' : `validation ${f.validationSecondsPerTrace.toFixed(3)} s per trace`;
  return `layers ${f.layers}: ${plural(f.traces, 'trace')}, exploration ${f.explorationSeconds.toFixed(2)} s, ${validation}`;
}
