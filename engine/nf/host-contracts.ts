// Contracts of the imports an NF takes from its host besides libVig: its config (values and tables) and
// AssemblyScript's abort hook.
import { type Manifest, tableImports } from '../../nf-abi/index.ts';
import type { Contract, ContractTable } from '../symbex/import-contracts.ts';
import type { ExecutionState, Value } from '../symbex/state.ts';
import type { Import } from '../wasm/decode.ts';

/**
 * Config values: module "config", as immutable globals or functions without parameters; and config tables,
 * as `<table>_count()` and `<table>_<column>(row)` (rows must be concrete: nf_init reads them in a loop).
 */
export function configImports(manifest: Manifest): { globals: Map<string, bigint>; contracts: ContractTable } {
  const globals = new Map<string, bigint>();
  const contracts: ContractTable = new Map();
  const asResult = (importEntry: Import, value: bigint): Value => (importEntry.type?.results[0] === 'i64' ? BigInt.asUintN(64, value) : Number(BigInt.asUintN(32, value)));
  for (const [name, entry] of Object.entries(manifest.config)) {
    const value = BigInt(entry.value);
    globals.set(`config.${name}`, value);
    contracts.set(`config.${name}`, ({ importEntry }) => [asResult(importEntry, value)]);
  }
  for (const [name, read] of tableImports(manifest)) {
    contracts.set(`config.${name}`, ({ importEntry, oracle, state }, [row]) => {
      if (row !== undefined && typeof row !== 'number') return oracle.fail(state, 'precondition', `config.${name} needs a concrete row number (read config tables in nf_init)`);
      return [asResult(importEntry, BigInt((read as (row?: number) => number | bigint)(row === undefined ? undefined : row | 0)))];
    });
  }
  return { globals, contracts };
}

/** AssemblyScript's failure hook: abort(message, file, line, column). Always a violation. */
export const abortContract: Contract = ({ state, oracle }, args) => {
  const [message, file, line, column] = args.map((a) => (typeof a === 'number' ? a : null));
  const text = [readAsString(state, message), readAsString(state, file)].filter(Boolean);
  const where = line !== null && line !== undefined ? ` (${text[1] ?? 'source'}:${line}:${column})` : '';
  return oracle.fail(state, 'abort', `abort called${text[0] ? `: ${text[0]}` : ''}${where}`);
};

/** An AssemblyScript string (UTF-16, byte length stored 4 bytes before it), when it is concrete. */
function readAsString(state: ExecutionState, pointer: number | null | undefined): string | null {
  if (!pointer || pointer < 4) return null;
  const length = [0, 1, 2, 3].reduce((n, i) => n + (Number(state.memory.read(pointer - 4 + i)) << (8 * i)), 0);
  if (length > 1024) return null;
  let text = '';
  for (let i = 0; i + 1 < length; i += 2) {
    const lo = state.memory.read(pointer + i);
    const hi = state.memory.read(pointer + i + 1);
    if (typeof lo !== 'number' || typeof hi !== 'number') return null;
    text += String.fromCharCode(lo | (hi << 8));
  }
  return text;
}
