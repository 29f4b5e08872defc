// The router (NFS.md): spec.py, its function-dialect twin and every property hold, on the AssemblyScript source and
// on the C twin; the seeded bugs of issue 17 are rejected with counterexamples whose replay on the run-time NF
// (V8 + run-time libVig) reproduces them, and an equivalent variant holds.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DROP, type Manifest } from '../../nf-abi/index.ts';
import type { Variant } from '../../toolchain/build.ts';
import { editedCopy, holds, refuted, seededVariant, variantSession } from './variants.ts';
import { listProperties } from '../../engine/spec/frontend/index.ts';
import { inputFromModel } from '../../engine/nf/explore-nf.ts';
import { VerificationSession } from '../../engine/session/session.ts';
import { unlessInstalled } from '../tools.ts';

const ROUTER = fileURLToPath(new URL('../../nfs/router', import.meta.url));
const PROPERTIES = ['drop_malformed', 'forward_lpm', 'no_route_drop', 'routing_fn', 'ttl_decrement'];
const DROPPED = BigInt.asUintN(32, BigInt(DROP));
/** Frame offsets of the IPv4 fields the assertions read. */
const TTL = 22;
const DESTINATION = 30;

/** An operator's routing table: `count - 1` distinct prefixes of lengths 8 to 32, then the default route; the same every run. */
function routingTable(count: number): { prefix: string; length: number; device: number }[] {
  let seed = 0x2545f491;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const rows = new Map<string, { prefix: string; length: number; device: number }>();
  while (rows.size < count - 1) {
    const length = [8, 12, 16, 20, 22, 24, 24, 24, 28, 32][next() % 10]!;
    const address = (next() & (length === 32 ? 0xffffffff : ~(0xffffffff >>> length))) >>> 0;
    const prefix = [24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join('.');
    rows.set(`${prefix}/${length}`, { prefix, length, device: next() % 2 });
  }
  return [...rows.values(), { prefix: '0.0.0.0', length: 0, device: 1 }];
}

const routerCopy = (prefix: string, edit: (manifest: Manifest) => Manifest) => editedCopy(ROUTER, prefix, edit);

const buggy = (session: VerificationSession, variant: Variant) => variantSession(session, ROUTER, variant);
const destination = (packet: Uint8Array) => Array.from(packet.slice(DESTINATION, DESTINATION + 4));

describe('router', () => {
  let session: VerificationSession;
  before(async () => (session = await VerificationSession.open(ROUTER)));

  test('explores without violations; the routing table is fixed at nf_init\'s rules', () => {
    assert.deepEqual(session.violations(), []);
    assert.deepEqual(session.exploration.objects.filter((o) => o.fixed).map((o) => o.name), ['routes']);
  });

  test('spec.py, the four properties and the function-dialect spec hold', async () => {
    assert.deepEqual(listProperties(ROUTER).map((p) => p.name).sort(), PROPERTIES);
    for (const file of ['spec.py', ...PROPERTIES.map((n) => `properties/${n}.py`)]) {
      const result = await session.checkFile(`${ROUTER}/${file}`);
      holds(result);
      if (file.endsWith('_fn.py')) assert.equal(result.verdict === 'holds' && result.dialect, 'function');
    }
  });

  test('seeded bug: the first matching route instead of the longest', async () => {
    const bug = await buggy(session, {
      name: 'first-match',
      patches: [
        { find: 'const output = lpm_lookup(routes, bswap<u32>(load<u32>(packet + IP_DADDR)));', replace: 'const output = firstMatch(bswap<u32>(load<u32>(packet + IP_DADDR)));' },
        {
          find: 'export function nf_process(',
          replace: 'function firstMatch(address: u32): i32 {\n  for (let row = 0; row < routes_count(); row++) {\n    const length = routes_length(row);\n    if (length == 0 || (address ^ routes_prefix(row)) >> (32 - length) == 0) return routes_device(row);\n  }\n  return -1;\n}\n\nexport function nf_process(',
        },
      ],
    });
    const failure = refuted(await bug.checkFile(`${ROUTER}/properties/forward_lpm.py`));
    // 10.1.0.0/16 (device 1) lies in 10.0.0.0/8 (device 0), the earlier row; 10.1.2.0/24 goes to device 0 either way.
    const [a, b, c] = destination(inputFromModel(failure.model).packet);
    assert.deepEqual([a, b], [10, 1]);
    assert.notEqual(c, 2);
    assert.equal(failure.nfOutput, 0n);
    assert.deepEqual(failure.specPorts, [1n]);
    refuted(await bug.checkFile(`${ROUTER}/spec.py`));
  });

  test('seeded bug: a datagram with TTL 1 is forwarded', async () => {
    const bug = await buggy(session, seededVariant('router-ttl-one'));
    const failure = refuted(await bug.checkFile(`${ROUTER}/properties/drop_malformed.py`));
    assert.equal(inputFromModel(failure.model).packet[TTL], 1);
    assert.notEqual(failure.nfOutput, DROPPED);
  });

  test('seeded bug: the checksum is not updated', async () => {
    const bug = await buggy(session, seededVariant('router-stale-checksum'));
    // Checked of every NF without a spec (statement-dialect specs compare checksums by validity): a valid one left invalid.
    const violations = bug.violations();
    assert.ok(violations.length > 0);
    for (const found of violations) {
      assert.equal(found.violation.kind, 'checksum');
      assert.ok(found.replay.reproduced, found.replay.observed);
    }
    // The function-dialect spec compares the value with RFC 1624's.
    const failure = refuted(await bug.checkFile(`${ROUTER}/properties/routing_fn.py`));
    assert.notEqual(failure.nfOutput, DROPPED);
  });

  test('seeded bug: the default route is ignored; only the spec that reads nf.json\'s table sees it', async () => {
    const bug = await buggy(session, { name: 'no-default', patches: [{ find: 'for (let row = 0; row < rows; row++) {', replace: 'for (let row = 0; row < rows; row++) {\n    if (routes_length(row) == 0) continue;' }] });
    const failure = refuted(await bug.checkFile(`${ROUTER}/properties/routing_fn.py`));
    const [a, b] = destination(inputFromModel(failure.model).packet);
    assert.ok(a !== 10 && !(a === 192 && b === 168), `${a}.${b}... lies in no configured prefix but the default`);
    assert.equal(failure.nfOutput, DROPPED);
    // spec.py reads the lpm nf_init filled, whatever it holds: the configuration is checked against nf.json only there.
    holds(await bug.checkFile(`${ROUTER}/spec.py`));
  });

  test('seeded bug: a route learned per packet; importing routes claims the table unchanged, and the replay seeds it', async () => {
    const bug = await buggy(session, {
      name: 'learn-route',
      patches: [{ find: '  return output;\n}', replace: '  lpm_add(routes, bswap<u32>(load<u32>(packet + ETHER_HEADER + 12)), 32, device);\n  return output;\n}' }],
    });
    // A path changes the table now: it starts every packet arbitrary, not as nf_init left it.
    assert.deepEqual(bug.exploration.objects.filter((o) => o.fixed), []);
    const failure = refuted(await bug.checkFile(`${ROUTER}/spec.py`));
    assert.deepEqual(failure.failed, ['routes: the longest match of some address']);
  });

  test('the C twin, built for wasm32 by clang, verifies as the AssemblyScript router does', { skip: unlessInstalled('clang') }, async () => {
    const twin = routerCopy('router-c-', (manifest) => ({ ...manifest, source: 'router.c' }));
    const c = await VerificationSession.open(twin);
    assert.deepEqual(c.violations(), []);
    for (const file of ['spec.py', 'properties/routing_fn.py']) holds(await c.checkFile(join(twin, file)));
  });

  test('an operator\'s table of 2,000 routes: nf_init\'s loop over it is no hang, the spec holds, a route looked up by the source address is refuted', async () => {
    const big = routerCopy('router-routes-', (manifest) => ({ ...manifest, tables: { routes: { ...manifest.tables!.routes!, rows: routingTable(2000) } } }));
    const operator = await VerificationSession.open(big);
    assert.deepEqual(operator.violations(), []);
    assert.deepEqual(operator.exploration.objects.filter((o) => o.fixed).map((o) => o.name), ['routes']);
    for (const file of ['spec.py', 'properties/forward_lpm.py']) holds(await operator.checkFile(join(big, file)));
    const bug = await variantSession(operator, big, { name: 'source-route', patches: [{ find: 'lpm_lookup(routes, bswap<u32>(load<u32>(packet + IP_DADDR)))', replace: 'lpm_lookup(routes, bswap<u32>(load<u32>(packet + IP_DADDR - 4)))' }] });
    const failure = refuted(await bug.checkFile(join(big, 'properties/forward_lpm.py')));
    assert.notDeepEqual([failure.nfOutput], failure.specPorts);
  });

  test('an equivalent variant holds: RFC 1624\'s ~m + m\' folded into its constant 0xfeff', async () => {
    const equivalent = await buggy(session, { name: 'folded-constant', patches: [{ find: '+ (~word & 0xffff) + (word - 0x100);', replace: '+ 0xfeff;' }] });
    assert.deepEqual(equivalent.violations(), []);
    for (const file of ['spec.py', 'properties/routing_fn.py']) holds(await equivalent.checkFile(`${ROUTER}/${file}`));
  });
});
