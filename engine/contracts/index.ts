// Entry point of engine/contracts/: the contracts of every libVig import, and the objects they keep on a path.
import { LIBVIG_MODULE, type LibVigImportName, type Manifest } from '../../nf-abi/index.ts';
import { type Contract, type ContractTable, importKey } from '../symbex/import-contracts.ts';
import { chtContracts } from './cht.ts';
import { emapContracts } from './emap.ts';
import { lpmContracts } from './lpm.ts';
import { vectorContracts } from './vector.ts';

export { chtChoice, type ChtChoiceOrigin, chtChoiceOrigin, recordCallChoices } from './cht.ts';
export { changedObjects, isSpecObject, type LibVigObject, markFixed, objectsOf, packetStart, type SpecObject, startPacket, withObjects } from './objects.ts';
export { keyInvariant } from './emap.ts';
export { recordInvariant } from './vector.ts';

/** A contract for each import of LIBVIG_ABI (the type checks that none is missing), keyed `libvig.<name>`. */
export function libvigContracts(manifest: Manifest): ContractTable {
  const contracts: Record<LibVigImportName, Contract> = { ...emapContracts(manifest), ...vectorContracts(manifest), ...chtContracts(manifest), ...lpmContracts(manifest) };
  return new Map(Object.entries(contracts).map(([name, contract]) => [importKey({ module: LIBVIG_MODULE, name }), contract]));
}
