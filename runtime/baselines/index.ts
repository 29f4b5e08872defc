// The TypeScript baselines by NF name (nf.json "name"); an NF missing here is benchmarked without one.
import type { Manifest } from '../../nf-abi/index.ts';
import { createBridge } from './bridge.ts';
import { createNop } from './nop.ts';
import type { TypeScriptNf } from './typescript-nf.ts';

export type { TypeScriptNf } from './typescript-nf.ts';

export const TYPESCRIPT_BASELINES: Record<string, (manifest: Manifest) => TypeScriptNf> = {
  nop: createNop,
  bridge: createBridge,
};
