// Config tables in nf.json (toolchain/manifest.ts "tables"): values as the NF imports them, and the errors a
// user meets when a table is malformed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadManifest, tableImports } from '../../nf-abi/index.ts';

const work = mkdtempSync(join(tmpdir(), 'vigor-tables-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

function manifestWith(extra: object): () => unknown {
  const dir = mkdtempSync(join(work, 'nf-'));
  writeFileSync(join(dir, 'nf.json'), JSON.stringify({ name: 't', source: 't.ts', devices: 2, frame: { min: 0, max: 1514 }, config: { capacity: { type: 'u32', value: 8 } }, ...extra }));
  return () => loadManifest(dir);
}

const rules = (columns: object, rows: object[]) => ({ tables: { rules: { columns, rows } } });

test('the bridge reads its static rules as count, MAC (wire bytes little-endian), device and output', () => {
  const manifest = loadManifest(fileURLToPath(new URL('../../nfs/bridge', import.meta.url)));
  const imports = tableImports(manifest);
  const count = (imports.get('static_rules_count') as () => number)();
  assert.ok(count >= 1);
  const row = manifest.tables!.static_rules!.rows[0]!;
  const expectedMac = String(row.addr).split(':').reverse().reduce((word, pair) => (word << 8n) | BigInt(parseInt(pair, 16)), 0n);
  assert.equal((imports.get('static_rules_addr') as (r: number) => bigint)(0), expectedMac);
  assert.equal((imports.get('static_rules_output') as (r: number) => number)(0), row.output);
  assert.throws(() => (imports.get('static_rules_device') as (r: number) => number)(count), /read row \d+ of config table "static_rules", which has \d+ rows/);
});

test('the router reads its routes with each prefix as an i32, first octet most significant, as lpm_add takes it', () => {
  const imports = tableImports(loadManifest(fileURLToPath(new URL('../../nfs/router', import.meta.url))));
  const prefix = imports.get('routes_prefix') as (r: number) => number;
  // Rows 0 and 3 of nfs/router/nf.json: 10.0.0.0 and 192.168.0.0.
  assert.equal(prefix(0), 0x0a000000);
  assert.equal(prefix(3), 0xc0a80000 | 0);
});

test('malformed tables are reported with the table, row and column, and what is expected', () => {
  const cases: [object, RegExp][] = [
    [rules({ addr: 'mac' }, [{ addr: '01:02:03' }]), /table "rules", row 0, column "addr": "01:02:03" is not a MAC address such as "02:00:00:00:00:01"/],
    [rules({ prefix: 'ipv4' }, [{ prefix: '10.256.0.0' }]), /row 0, column "prefix": "10.256.0.0" is not an IPv4 address such as "10.0.0.0"/],
    [rules({ addr: 'mac', out: 'i32' }, [{ addr: '01:02:03:04:05:06' }]), /table "rules", row 0: the value of column "out" is missing/],
    [rules({ out: 'i16' }, []), /column "out": type must be one of u8, u16, u32, u64, i32, mac/],
    [rules({ out: 'u16' }, [{ out: 70000 }]), /row 0, column "out": 70000 is not a u16 \(0\.\.65535\)/],
    [rules({ out: 'u16' }, [{ out: 1, extra: 2 }]), /row 0: "extra" is not a column \(columns: out\)/],
    [{ tables: { capacity: { columns: { count: 'u8' }, rows: [] } } }, /a column cannot be named "count"/],
    [{ config: { rules_out: { type: 'u8', value: 1 } }, ...rules({ out: 'u8' }, []) }, /the import "rules_out" would clash with the config value of that name/],
  ];
  for (const [extra, message] of cases) assert.throws(manifestWith(extra), message);
});

test('a table of prefixes (an ipv4 "prefix" and a "length") takes only prefixes without address bits past their length, each once', () => {
  const routes = (...rows: [string, number][]) => rules({ prefix: 'ipv4', length: 'u8', device: 'u16' }, rows.map(([prefix, length]) => ({ prefix, length, device: 0 })));
  const cases: [object, RegExp][] = [
    [routes(['10.1.2.3', 24]), /nf\.json: table "rules", row 0, column "prefix": 10\.1\.2\.3 has address bits set past its length 24, which the route would ignore: write "10\.1\.2\.0" \(the prefix 10\.1\.2\.0\/24\)$/],
    [routes(['10.0.0.0', 8], ['192.168.1.0', 23]), /row 1, column "prefix": 192\.168\.1\.0 has address bits set past its length 23, .*write "192\.168\.0\.0"/],
    [routes(['10.0.0.0', 33]), /row 0, column "length": 33 is not a prefix length \(0\.\.32\)/],
    [routes(['0.0.0.1', 0]), /row 0, column "prefix": 0\.0\.0\.1 has address bits set past its length 0, .*write "0\.0\.0\.0"/],
    // One route per prefix: lpm_add keeps the later row's, and a spec reading the table could take either.
    [routes(['10.0.0.0', 8], ['10.0.0.0', 16], ['10.0.0.0', 8]), /table "rules", row 2: the prefix 10\.0\.0\.0\/8 is also row 0's; a table holds one route per prefix .*: keep one of them$/],
  ];
  for (const [extra, message] of cases) assert.throws(manifestWith(extra), message);
  // A malformed cell is reported once, as what it is.
  assert.throws(manifestWith(routes(['10.1.2.300', 24])), (error: Error) => error.message.split('\n').length === 1 && /is not an IPv4 address/.test(error.message));
  // Prefixes that are whole, a host route and the default route among them, load; so does a table not of prefixes.
  manifestWith(routes(['10.1.2.3', 32], ['10.1.2.0', 24], ['172.16.0.0', 12], ['128.0.0.0', 1], ['0.0.0.0', 0]))();
  manifestWith(rules({ prefix: 'ipv4', device: 'u16' }, [{ prefix: '10.1.2.3', device: 0 }]))();
});
