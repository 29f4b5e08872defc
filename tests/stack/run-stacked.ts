// One pass of a trace through an NF's stacked .wasm on the emulated device: what the tests compare with the other implementations.
import type { Manifest } from '../../nf-abi/index.ts';
import { deviceEmulation } from '../../runtime/emulated-device.ts';
import { prepareStackedPasses } from '../../runtime/stacked-runner.ts';
import type { PacketTrace, ProcessedPackets } from '../../runtime/trace.ts';
import { buildStackedNf, type StackVariant, type Variant } from '../../toolchain/build.ts';

/** `manifest`: nf.json's unless given (a test's config); `variants`: seeded changes to the NF or the stack. */
export async function stackedOutputs(nfDir: string, trace: PacketTrace, manifest?: Manifest, variants: { variant?: Variant; stackVariant?: StackVariant } = {}): Promise<ProcessedPackets> {
  const build = await buildStackedNf(nfDir, variants);
  const compiled = { ...build, manifest: manifest ?? build.manifest, module: new WebAssembly.Module(build.wasm) };
  return prepareStackedPasses(await deviceEmulation(), compiled, trace)(false).processed;
}
