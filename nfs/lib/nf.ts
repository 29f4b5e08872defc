// Shared by every AssemblyScript NF: the interface constants of nf_process.
// Import with a relative path: import { DROP, FLOOD } from "../lib/nf";

/** nf_process result: the frame is dropped. */
// @ts-ignore: decorator
@inline export const DROP: i32 = -1;
/** nf_process result: the frame goes out on every device but the one it came in on. */
// @ts-ignore: decorator
@inline export const FLOOD: i32 = -2;
