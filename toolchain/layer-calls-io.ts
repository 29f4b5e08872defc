// The asc transform of the build `--layers nf,io` verifies: nf_process and every driver function not `@inline` (stack/driver.ts or a variant's copy) stay calls.
import { keepingCalls, NF_ENTRY } from './layer-calls.ts';

export default keepingCalls([NF_ENTRY, 'stack/*driver/*']);
