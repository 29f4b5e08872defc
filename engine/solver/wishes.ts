// Readable models: a model of some conditions that also meets, where they allow it, a user's wishes (a short frame, a small time).
import * as T from './term.ts';
import type { Assignment, Term } from './term.ts';
import type { Solver } from './z3.ts';

/** The length a counterexample's frame is wished at most: room for Ethernet, IPv4 and TCP headers. */
export const SHORT_FRAME_BYTES = 64;

/**
 * Wishes in turn: of each group, the first alternative the conditions allow together with the wishes kept
 * before it is kept. A group's alternatives go from the most to the least wished for.
 */
export type WishGroups = readonly (readonly Term[])[];

/**
 * A model of `conditions` meeting as many of the wishes as they allow (`known`, a model of them, speeds the
 * queries up), and the wishes it meets; null when it meets none. An `unknown` answer counts as "not allowed": a
 * wish must never cost a counterexample.
 */
export function wishedModel(solver: Solver, conditions: readonly Term[], groups: WishGroups, known?: Assignment): { model: Assignment; wishes: Term[] } | null {
  let found: { model: Assignment; wishes: Term[] } | null = null;
  for (const group of groups) {
    for (const wish of group) {
      const wishes: Term[] = [...(found?.wishes ?? []), wish];
      const answer = solver.check(conditions, T.and(...wishes), known);
      if (answer.status === 'sat') {
        found = { model: answer.model, wishes };
        break;
      }
    }
  }
  return found;
}
