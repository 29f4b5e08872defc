// The three ways an NF is run by the benchmark: the verified .wasm with the stack under it on an emulated device
// (the product), its C twin compiled natively under the C stack on the same rings (the machine's limit) and the
// idiomatic TypeScript baseline (what a developer would write without us).
import { buildStackedNf } from '../toolchain/build.ts';
import type { Manifest } from '../nf-abi/index.ts';
import { TYPESCRIPT_BASELINES } from './baselines/index.ts';
import { buildNativeHarness, cTwinOf, GccMissing, runNativeHarness } from './native-baseline.ts';
import { throughputThenLatency, type Repeat } from './pass.ts';
import type { PacketTrace } from './trace.ts';
import { prepareTypeScriptPasses } from './typescript-runner.ts';
import { deviceEmulation } from './emulated-device.ts';
import { prepareStackedPasses } from './stacked-runner.ts';

export type ImplementationId = 'wasm' | 'c' | 'typescript';

export interface Implementation {
  id: ImplementationId;
  /** Prepares for `trace` (outside any timing) and returns a function that runs one repetition. */
  prepare(trace: PacketTrace): Repeat;
}

export interface NfImplementations {
  manifest: Manifest;
  /** The verified NF first, then the baselines it has. */
  implementations: Implementation[];
  /** Why a baseline is absent, e.g. "c: nfs/x has no C twin x.c". */
  missing: string[];
}

/** The native harness built from the C twin, or why there is none on this machine (no gcc). */
function nativeHarness(twin: string, manifest: Manifest): { binary: string } | { missing: string } {
  try {
    return { binary: buildNativeHarness(twin, manifest) };
  } catch (e) {
    if (e instanceof GccMissing) return { missing: e.message };
    throw e;
  }
}

/** `manifest`: nf.json's, unless given (the benchmark's config, such as a router's generated routing table). */
export async function implementationsOf(nfDir: string, benchManifest?: Manifest): Promise<NfImplementations> {
  const build = { ...(await buildStackedNf(nfDir)), ...(benchManifest ? { manifest: benchManifest } : {}) };
  const { manifest } = build;
  const compiled = { ...build, module: new WebAssembly.Module(build.wasm) };
  const emulate = await deviceEmulation();
  const implementations: Implementation[] = [{
    id: 'wasm',
    prepare: (trace) => throughputThenLatency(prepareStackedPasses(emulate, compiled, trace)),
  }];
  const missing: string[] = [];
  const twin = cTwinOf(build.dir, manifest);
  const native = twin ? nativeHarness(twin, manifest) : null;
  if (native && 'binary' in native) {
    const { binary } = native;
    implementations.push({
      id: 'c',
      prepare(trace) {
        const output = new Uint8Array(trace.records.length - trace.offsets[trace.untimed]!);
        return (throughputPasses) => runNativeHarness(binary, trace, output, throughputPasses);
      },
    });
  } else if (native) {
    missing.push(`c: ${native.missing}`);
  } else {
    missing.push(`c: ${build.dir} has no C twin ${manifest.source.replace(/\.ts$/, '.c')}`);
  }
  const createBaseline = TYPESCRIPT_BASELINES[manifest.name];
  if (createBaseline) {
    implementations.push({
      id: 'typescript',
      prepare: (trace) => throughputThenLatency(prepareTypeScriptPasses(() => createBaseline(manifest), trace)),
    });
  } else {
    missing.push(`typescript: no baseline for "${manifest.name}" in runtime/baselines/index.ts`);
  }
  return { manifest, implementations, missing };
}
