// nf_process's two special results. One file for both languages: AssemblyScript NFs import it by relative path
// (import { DROP, FLOOD } from "../../nf-abi/outputs"), TypeScript through nf-abi/index.ts; c/nf.h mirrors it
// for C NFs (checked by tests/nf-abi).

/** The frame is dropped. */
export const DROP = -1;
/** The frame goes out on every device but the one it came in on. */
export const FLOOD = -2;
