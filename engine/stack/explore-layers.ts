// Exploring an NF with the layers asked for: the NF alone (engine/nf), or with the stack, or its I/O loop, under it.
import type { NfBuild } from '../../toolchain/build.ts';
import { exploreNf, type NfExploration, type NfOptions } from '../nf/explore-nf.ts';
import { exploreStacked } from './explore-stack.ts';
import type { Layers } from './layers.ts';

/**
 * Whether the layers put the NF under the stack's I/O loop, whose iterations may receive no packet (then the NF is
 * not called: stack-models/delivery.ts): where a spec's `a_packet_received` false is checked (engine/validate).
 */
export const pollsWithoutPackets = (layers: Layers): boolean => layers !== 'nf';

export async function exploreLayers(build: NfBuild, layers: Layers, options: NfOptions = {}): Promise<NfExploration> {
  return layers === 'nf' ? exploreNf(build, options) : exploreStacked(build, layers, options);
}
