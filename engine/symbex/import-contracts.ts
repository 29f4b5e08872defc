// What a contract is: the model of an imported function that the interpreter calls instead of its code. An
// import with no contract is a violation when called, never silently modelled.
import type { Term } from '../solver/term.ts';
import type { Import } from '../wasm/decode.ts';
import type { Oracle } from './interpreter.ts';
import type { ExecutionState, Value } from './state.ts';

export interface CallContext {
  state: ExecutionState;
  oracle: Oracle;
  importEntry: Import;
  /** Bounds-checked access to the NF's memory (keys and records are passed by pointer). */
  read(address: Value, bytes: number): bigint | Term;
  write(address: Value, bytes: number, value: bigint | Term): void;
}

export type Contract = (context: CallContext, args: Value[]) => Value[];

export type ContractTable = Map<string, Contract>;

export const importKey = (entry: { module: string; name: string }): string => `${entry.module}.${entry.name}`;
