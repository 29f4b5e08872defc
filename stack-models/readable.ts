// What makes a witness of the stack's poll read in a user's terms: received frames of a few bytes, where the path allows.
import * as T from '../engine/solver/term.ts';
import type { Term } from '../engine/solver/term.ts';
import { SHORT_FRAME_BYTES, type WishGroups } from '../engine/solver/wishes.ts';
import { receivedOf } from './model-names.ts';

/**
 * Each received frame's LENGTH that `conditions` speak of at most a short frame's, one wish a frame (a bug may need
 * one of them long): a LENGTH left free reads 1492 or 65535.
 */
export function readableDeviceWishes(conditions: readonly Term[]): WishGroups {
  const lengths = [...T.subterms(conditions).values()].filter((t) => t.op === 'var' && receivedOf(t.name)?.field === 'length');
  return lengths.map((length) => [T.compare('ule', length, T.bv(SHORT_FRAME_BYTES, length.width))]);
}
