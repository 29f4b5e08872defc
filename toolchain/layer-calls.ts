// An asc transform for stacked builds: keeps the calls between the stack's layers (loop to nf_process, loop to driver) calls at -O3.
//
// The verifier replaces a layer by its contract where the layer above calls it (`--layers full`: nf_process;
// `nf,io`: the driver's entry points), so each must stay a function of its own in the .wasm that runs. asc has
// no decorator for that, and Binaryen's inliner takes any function called once (asc allows up to 200 bytes of
// code at -O3, so nop's nf_process and every driver function went into stack_poll). Binaryen's `no-inline` pass
// marks the functions whose internal name matches a pattern as never inlined; run right after compiling,
// before asc optimises, the marks hold through every later pass. Internal names are `<file path>/<function>`.
import type binaryen from 'assemblyscript/binaryen';

/** The NF's entry (its file is the NF's) and every driver function not `@inline` (stack/driver.ts or a variant's copy). */
const LAYER_ENTRIES = ['*/nf_process', 'stack/*driver/*'];

/** asc instantiates the default export, `binaryen` (its own instance of binaryen.js) set on the prototype. */
export default class KeepLayerCalls {
  declare readonly binaryen: typeof binaryen;

  afterCompile(module: binaryen.Module): void {
    for (const pattern of LAYER_ENTRIES) {
      this.binaryen.setPassArgument('no-inline', pattern);
      module.runPasses(['no-inline']);
    }
    this.binaryen.setPassArgument('no-inline', null);
  }
}
