// Exploring an NF with the layers asked for: the NF alone (engine/nf), or with the stack under it.
import type { NfBuild } from '../../toolchain/build.ts';
import { exploreNf, type NfExploration, type NfOptions } from '../nf/explore-nf.ts';
import { EngineError } from '../symbex/violations.ts';
import { exploreFull } from './explore-stack.ts';
import type { Layers } from './layers.ts';

export async function exploreLayers(build: NfBuild, layers: Layers, options: NfOptions = {}): Promise<NfExploration> {
  if (layers === 'nf') return exploreNf(build, options);
  if (layers === 'full') return exploreFull(build, options);
  throw new EngineError('--layers nf,io (the NF under the I/O loop, the driver a contract) is not built yet: verify with --layers nf or full');
}
