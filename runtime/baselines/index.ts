// The TypeScript baselines by NF name (nf.json "name"); an NF missing here is benchmarked without one.
import type { Manifest } from '../../nf-abi/index.ts';
import { createBridge } from './bridge.ts';
import { createFw } from './fw.ts';
import { createLb } from './lb.ts';
import { createNat } from './nat.ts';
import { createNop } from './nop.ts';
import { createRouter } from './router.ts';
import { createPolicer } from './pol.ts';
import type { TypeScriptNf } from './typescript-nf.ts';

export type { TypeScriptNf } from './typescript-nf.ts';

export const TYPESCRIPT_BASELINES: Record<string, (manifest: Manifest) => TypeScriptNf> = {
  nop: createNop,
  bridge: createBridge,
  router: createRouter,
  pol: createPolicer,
  nat: createNat,
  fw: createFw,
  lb: createLb,
};
