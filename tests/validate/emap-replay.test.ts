// Counterexamples over an emap that expires replay whole: whatever model the solver gives a path that expires and
// then adds, the run-time shows the predicted output, entry count and the index the add takes. Each case asks the
// solver for a model in a corner the emap theory once left open (docs/PITFALLS.md, "Spec checking"), so the
// replay meets it every run instead of whenever Z3 happens to pick such a model.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildNf } from '../../toolchain/build.ts';
import { exploreNf, INPUT, type NfExploration } from '../../engine/nf/explore-nf.ts';
import { objectsOf } from '../../engine/contracts/index.ts';
import { EmapQueries } from '../../engine/ghost/emap.ts';
import { replayTrace } from '../../engine/session/replay.ts';
import * as T from '../../engine/solver/term.ts';
import type { Term } from '../../engine/solver/term.ts';
import { Solver } from '../../engine/solver/z3.ts';

const LEARNER = fileURLToPath(new URL('../programs/nfs/learner', import.meta.url));

/** The MAC address at byte `offset` of the frame, as the learner's keys hold it (little-endian). */
const macAt = (offset: number): Term => Array.from({ length: 6 }, (_, i) => T.select(INPUT.packet, T.bv(offset + i, 32))).reduce((word, byte) => T.concat(byte, word));

let run: NfExploration;
let solver: Solver;
before(async () => {
  run = await exploreNf(await buildNf(LEARNER));
  solver = await Solver.create();
});

/** The learner's path that expires, learns the source (absent after the expiry) and finds the destination. */
function learningPath() {
  const trace = run.traces.findIndex((t) => t.calls.map((c) => c.name).join() === 'emap_expire,emap_get,emap_add,vector_set,emap_get,vector_get');
  assert.ok(trace >= 0, 'the learner has such a path');
  const macs = objectsOf(run.traces[trace]!.final).find((o) => o.name === 'macs');
  if (macs?.kind !== 'emap') throw new Error('the learner has an emap macs');
  const added = macs.version;
  const expired = added.prev!;
  assert.ok(added.op === 'add' && expired.op === 'expire' && expired.prev?.op === 'base', `the path's macs is base.expire.add, not ${added.shape}`);
  return { trace, added, expired, base: expired.prev, threshold: expired.time, index: added.index };
}

type Path = ReturnType<typeof learningPath> & { q: EmapQueries; source: Term; destination: Term };

/**
 * Replays the path under a model of its path condition and `corner` (a condition on the state before the packet),
 * with a claim on the count after the packet and on where the source is; null when no model has the corner.
 */
function replayIn(corner: (path: Path) => Term) {
  const path = learningPath();
  const facts: Term[] = [];
  const q = new EmapQueries({ now: INPUT.now }, facts);
  const source = macAt(6);
  const anyKey = T.variable('macs.any_key', 48);
  const claim = [q.count(path.added), q.has(path.added, anyKey), q.index(path.added, anyKey)];
  const condition = corner({ ...path, q, source, destination: macAt(0) });
  const query = T.and(condition, T.eq(anyKey, source), ...facts);
  const { pathCondition } = run.traces[path.trace]!;
  const answer = solver.check(pathCondition, query);
  if (answer.status !== 'sat') return null;
  return replayTrace(run, { trace: path.trace, model: answer.model, terms: [...pathCondition, query, ...claim] });
}

/** An entry of the base at `index` that the expiry removes (or keeps). */
const stale = ({ q, base, threshold }: Path, index: Term) => T.and(q.allocated(base, index), T.compare('slt', q.stamp(base, index), threshold));
const kept = ({ q, base, threshold }: Path, index: Term) => T.and(q.allocated(base, index), T.compare('sle', threshold, q.stamp(base, index)));
const removed = ({ q, base, expired }: Path) => T.binary('sub', q.count(base), q.count(expired));

describe('replays of a path that expires and adds (learner) reproduce the count and the index the add takes', () => {
  test('the expiry removes an entry: the add takes an index the expiry freed, not one free before', () => {
    // The run-time's free indices are a stack: the add pops what the expiry pushed last.
    const replay = replayIn((p) => T.and(T.not(p.q.allocated(p.base, p.index)), T.compare('ult', T.bv(0, 32), removed(p))));
    assert.ok(replay === null || replay.reproduced, replay?.observed);
  });

  test('two entries are stamped before the expiry\'s time, but the count drops by one: only one was named through it', () => {
    // `other` is named only before the expiry (as a spec's own expiry names entries): the NF cannot tell whether it
    // expires, so the replay stamps it as the count needs.
    const replay = replayIn((p) => {
      const s = p.q.index(p.base, p.source);
      const other = T.variable('other', 32);
      return T.and(p.q.has(p.base, p.source), stale(p, s), stale(p, other), T.not(T.eq(other, s)), T.eq(removed(p), T.bv(1, 32)));
    });
    assert.ok(replay === null || replay.reproduced, replay?.observed);
  });

  test('a named entry the expiry keeps is counted after it', () => {
    // The destination is found after the expiry, so it is kept: the count after cannot be 0.
    const replay = replayIn((p) => T.eq(p.q.count(p.expired), T.bv(0, 32)));
    assert.ok(replay === null || replay.reproduced, replay?.observed);
  });

  test('the source expires with a newer entry: the add may take the source\'s index, and the replay frees it last', () => {
    // The run-time frees oldest first, so its add takes the newest expired entry's index; the theory leaves open
    // which expired entry that is (stamps are never read back), so the replay must make the add's entry the newest.
    const replay = replayIn((p) => {
      const s = p.q.index(p.base, p.source);
      const other = T.variable('other', 32);
      const older = T.compare('slt', p.q.stamp(p.base, s), p.q.stamp(p.base, other));
      return T.and(p.q.has(p.base, p.source), T.eq(p.index, s), p.q.allocated(p.base, other), T.not(p.q.allocated(p.expired, other)), T.not(T.eq(other, s)), older,
        kept(p, p.q.index(p.base, p.destination)));
    });
    assert.ok(replay !== null, 'the theory admits an add that takes the older expired entry\'s index');
    assert.ok(replay.reproduced, replay.observed);
  });
});
