// Test helpers for checking properties on seeded-bug variants of an NF: a session over a patched build, a copy with
// an edited nf.json (an operator's tables), and verdicts asserted with their counterexamples replayed.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Manifest } from '../../nf-abi/index.ts';
import { buildNf, type Variant } from '../../toolchain/build.ts';
import { exploreNf } from '../../engine/nf/explore-nf.ts';
import type { PropertyResult, VerificationSession } from '../../engine/session/session.ts';
import { seededBugs } from '../../evaluation/index.ts';

/** `session`, but over the NF in `dir` built with `variant` (explored afresh). */
export async function variantSession(session: VerificationSession, dir: string, variant: Variant): Promise<VerificationSession> {
  const build = await buildNf(dir, { variant });
  const exploration = await exploreNf(build);
  return Object.assign(Object.create(Object.getPrototypeOf(session)), session, { build, exploration, cells: new Map() });
}

/**
 * A copy of the NF in `dir`, its nf.json edited (an operator's tables), removed after the tests: two folders below
 * the repository's root, as the NFs in nfs/ are (their sources include libvig/ by relative path).
 */
export function editedCopy(dir: string, prefix: string, edit: (manifest: Manifest) => Manifest): string {
  const cache = fileURLToPath(new URL('../../.cache', import.meta.url));
  mkdirSync(cache, { recursive: true });
  const copy = mkdtempSync(join(cache, prefix));
  after(() => rmSync(copy, { recursive: true, force: true }));
  cpSync(dir, copy, { recursive: true });
  writeFileSync(join(copy, 'nf.json'), JSON.stringify(edit(JSON.parse(readFileSync(join(dir, 'nf.json'), 'utf8')))));
  return copy;
}

/**
 * Table 4's seeded bug `id` of an NF (evaluation/seeded-bugs.json): the table and the test that asserts on its
 * counterexample build the same edit.
 */
export function seededVariant(id: string): Variant {
  const bug = seededBugs().find((candidate) => candidate.id === id) ?? assert.fail(`evaluation/seeded-bugs.json has no seeded bug ${id}`);
  assert.ok(!('file' in bug.variant), `${id} is an edit of the NF's source`);
  return bug.variant;
}

/** The result's start for an assertion message; solver terms by their id: written out whole, a term that shares its parts (an lpm's search tree) could be exponential. */
const show = (result: PropertyResult) => JSON.stringify(result, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : isTerm(v) ? `term #${v.id}` : v)).slice(0, 300);
const isTerm = (v: unknown): v is { id: number } => typeof v === 'object' && v !== null && 'op' in v && 'id' in v && 'width' in v;

/** The property fails, and its first counterexample replays on the run-time NF. */
export function refuted(result: PropertyResult) {
  assert.equal(result.verdict, 'fails', show(result));
  if (result.verdict !== 'fails') throw new Error('unreachable');
  const failure = result.failures[0]!;
  assert.ok(failure.replay.reproduced, `the counterexample replays on the run-time NF: ${failure.replay.observed}`);
  return failure;
}

/**
 * An equivalent variant (`variant`: the same behaviour written otherwise) verifies as the original does: its binary
 * differs (so the check is not the original's again), and `files` (relative to `dir`) hold on it.
 */
export async function equivalentHolds(session: VerificationSession, dir: string, variant: Variant, files: readonly string[]): Promise<void> {
  const equivalent = await variantSession(session, dir, variant);
  assert.notEqual(equivalent.build.hash, session.build.hash, `variant ${variant.name} compiles to the original's binary`);
  for (const file of files) holds(await equivalent.checkFile(`${dir}/${file}`));
}

export function holds(result: PropertyResult): void {
  assert.equal(result.verdict, 'holds', show(result));
}
