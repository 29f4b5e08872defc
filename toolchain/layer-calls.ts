// An asc transform for stacked builds: keeps the loop's call of nf_process a call at -O3 (layer-calls-io.ts: the driver's too).
//
// The verifier replaces a layer by its contract where the layer above calls it (`--layers full`: nf_process;
// `nf,io`: the driver's entry points too), so each must stay a function of its own in the .wasm it verifies. asc
// has no decorator for that, and Binaryen's inliner takes any function called once (asc allows up to 200 bytes of
// code at -O3, so nop's nf_process and every driver function went into stack_poll). Binaryen's `no-inline` pass
// marks the functions whose internal name matches a pattern as never inlined; run right after compiling,
// before asc optimises, the marks hold through every later pass. Internal names are `<file path>/<function>`.
import type binaryen from 'assemblyscript/binaryen';

/** The NF's entry (its file is the NF's). */
export const NF_ENTRY = '*/nf_process';

/** A transform that keeps every call of the functions matching `patterns` a call. */
export function keepingCalls(patterns: readonly string[]) {
  // asc instantiates the default export, `binaryen` (its own instance of binaryen.js) set on the prototype.
  return class KeepLayerCalls {
    declare readonly binaryen: typeof binaryen;

    afterCompile(module: binaryen.Module): void {
      for (const pattern of patterns) {
        this.binaryen.setPassArgument('no-inline', pattern);
        module.runPasses(['no-inline']);
      }
      this.binaryen.setPassArgument('no-inline', null);
    }
  };
}

/**
 * The build that runs and that `--layers full` verifies: only nf_process stays out of line; the driver's
 * per-packet functions go into the loop (about 7 ns a packet on the nop, docs/PITFALLS.md).
 */
export default keepingCalls([NF_ENTRY]);
