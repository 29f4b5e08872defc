// Contracts of the lpm imports (libvig/runtime/lpm.ts): IPv4 longest-prefix match, over engine/ghost/lpm.ts.
import type { Manifest } from '../../nf-abi/index.ts';
import { knownAcceptance, lpmAdd, lpmBase, lpmMatch } from '../ghost/lpm.ts';
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';
import { fromTerm, toTerm } from '../symbex/values.ts';
import { allocate, concrete, find, type StructureContracts, update } from './objects.ts';

export function lpmContracts(manifest: Manifest): StructureContracts<'lpm'> {
  return {
    lpm_allocate: (context, [capacity]) => {
      const size = concrete(context, capacity!, 'lpm_allocate');
      return allocate(context, manifest, 'lpm', size, (name) => ({ kind: 'lpm', name, capacity: size, version: lpmBase({ name, capacity: size }, true) }));
    },

    lpm_add: (context, [lpm, prefix, length, value]) => {
      const object = find(context, lpm!, 'lpm');
      const [p, l, v] = [toTerm(prefix!, 32), toTerm(length!, 32), toTerm(value!, 32)];
      context.oracle.require(context.state, T.and(T.compare('sle', T.bv(0, 32), l), T.compare('sle', l, T.bv(32, 32))), 'precondition', `lpm_add on ${object.name}: the prefix length may be outside 0..32`);
      context.oracle.require(context.state, T.compare('sle', T.bv(0, 32), v), 'precondition', `lpm_add on ${object.name}: the value may be negative (-1 means "no rule")`);
      // A rule with a new prefix is refused when the table is full: known over nf_init's tables, open otherwise.
      const known = knownAcceptance(object.version, p, l);
      const accepted = known !== null ? T.bool(known) : T.apply(`${object.name}.accepts@${object.version.op}`, [p, l, v], T.BOOL);
      if (context.oracle.choose(context.state, [accepted, T.not(accepted)]) === 1) return [0];
      update(context.state, object, lpmAdd(object.version, p, l, v));
      return [1];
    },

    lpm_lookup: (context, [lpm, address]) => {
      const object = find(context, lpm!, 'lpm');
      const facts: Term[] = [];
      const { value } = lpmMatch(object.version, toTerm(address!, 32), facts);
      context.oracle.assume(context.state, facts);
      return [fromTerm(value)];
    },
  };
}
