// The stack changes nothing an NF does: every NF with an AssemblyScript source, run under the stack on the emulated
// device and alone through the hand-encoded driver on the same traffic (the benchmark's, and a capture of it),
// sends the same frames on the same devices, and --pcap-out would write the same file from either.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadManifest } from '../../nf-abi/index.ts';
import { benchTraffic, sentFrames } from '../../runtime/bench.ts';
import { writePcap } from '../../runtime/pcap.ts';
import { DEFAULT_TRAFFIC } from '../../runtime/traffic.ts';
import { prepareWasmPasses } from '../../runtime/wasm-runner.ts';
import { buildNf } from '../../toolchain/build.ts';
import { stackedOutputs } from './run-stacked.ts';

const NFS = fileURLToPath(new URL('../../nfs', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'vigor-stacked-'));
after(() => rmSync(work, { recursive: true, force: true }));

const assemblyScriptNfs = readdirSync(NFS).filter((name) => existsSync(join(NFS, name, 'nf.json')) && loadManifest(join(NFS, name)).source.endsWith('.ts'));

test('every NF of nfs/ with an AssemblyScript source is checked here', () => {
  for (const nf of ['nop', 'bridge', 'nat', 'fw', 'pol', 'router']) assert.ok(assemblyScriptNfs.includes(nf), nf);
});

for (const nf of assemblyScriptNfs) {
  test(`${nf}: under the stack and alone, the same frames leave on the same devices, and the same capture is written`, async () => {
    const dir = join(NFS, nf);
    const traffic = { ...DEFAULT_TRAFFIC, packets: 20_000, warmup: 0, newFlowShare: 0.2, sizes: [{ bytes: 64, weight: 3 }, { bytes: 1514, weight: 1 }] };
    const generated = benchTraffic(dir, { traffic });
    const captured = join(work, `${nf}-in.pcap`);
    writePcap(captured, Array.from({ length: generated.trace.count }, (_, packet) => ({ time: generated.trace.time(packet), frame: generated.trace.frame(packet) })));
    // A capture arrives on device 0 only, where the bridge and the load balancer send nothing on: the generated
    // traffic is the one that must send frames.
    for (const [{ manifest, trace }, mustSend] of [[generated, true], [benchTraffic(dir, { traffic, pcap: captured }), false]] as const) {
      const all = trace.withUntimed(0);
      const build = await buildNf(dir);
      const alone = prepareWasmPasses({ ...build, manifest, module: new WebAssembly.Module(build.wasm) }, all)(false).processed;
      const stacked = await stackedOutputs(dir, all, manifest);
      assert.equal(stacked.firstDifference(alone, manifest.devices), -1, 'first packet sent differently');
      let sent = 0;
      for (let packet = 0; packet < all.count; packet++) if (alone.sentOn(packet, manifest.devices) !== 0) sent++;
      assert.ok(sent > 0 || !mustSend, 'some frames are sent');
      const [fromAlone, fromStack] = [alone, stacked].map((processed, at) => {
        const file = join(work, `${nf}-${at}.pcap`);
        writePcap(file, sentFrames(all, processed));
        return readFileSync(file);
      });
      assert.ok(fromStack!.equals(fromAlone!), '--pcap-out writes the same capture');
    }
  });
}
