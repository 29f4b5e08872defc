// The libvig ABI as data: every import an NF may take from module "libvig", with its WebAssembly signature.
// libvig/README.md gives the meaning; the run-time's import object, libvig/as/*.ts and libvig/c/libvig.h are
// checked against this table by tests/libvig/abi.test.ts, and the verifier can use it to recognise the imports.

export const LIBVIG_MODULE = 'libvig';

export type WasmValueType = 'i32' | 'i64';

export interface ImportSignature {
  /** Parameter names (as in the README and the declarations) and types. */
  params: readonly (readonly [name: string, type: WasmValueType])[];
  result: WasmValueType | null;
}

const i32 = 'i32';
const i64 = 'i64';

export const LIBVIG_ABI = {
  emap_allocate: { params: [['key_size', i32], ['capacity', i32]], result: i32 },
  emap_get: { params: [['map', i32], ['key', i32]], result: i32 },
  emap_has_idx: { params: [['map', i32], ['index', i32]], result: i32 },
  emap_get_key: { params: [['map', i32], ['index', i32], ['out', i32]], result: null },
  emap_add: { params: [['map', i32], ['key', i32], ['now', i64]], result: i32 },
  emap_refresh: { params: [['map', i32], ['index', i32], ['now', i64]], result: null },
  emap_erase: { params: [['map', i32], ['key', i32]], result: null },
  emap_expire: { params: [['map', i32], ['time', i64]], result: i32 },
  emap_count: { params: [['map', i32]], result: i32 },
  emap_full: { params: [['map', i32]], result: i32 },
  vector_allocate: { params: [['record_size', i32], ['capacity', i32]], result: i32 },
  vector_get: { params: [['vector', i32], ['index', i32], ['out', i32]], result: null },
  vector_set: { params: [['vector', i32], ['index', i32], ['record', i32]], result: null },
  cht_allocate: { params: [['height', i32], ['backend_capacity', i32]], result: i32 },
  cht_find_backend: { params: [['cht', i32], ['hash', i32], ['backends', i32]], result: i32 },
  lpm_allocate: { params: [['capacity', i32]], result: i32 },
  lpm_add: { params: [['lpm', i32], ['prefix', i32], ['length', i32], ['value', i32]], result: i32 },
  lpm_lookup: { params: [['lpm', i32], ['address', i32]], result: i32 },
} as const satisfies Record<string, ImportSignature>;

export type LibVigImportName = keyof typeof LIBVIG_ABI;

/** How the WebAssembly JS API passes a value to and from a host function: i32 as a number, i64 as a bigint. */
type HostValue<Type> = Type extends 'i64' ? bigint : number;

type HostArguments<Params extends ImportSignature['params']> = {
  -readonly [Position in keyof Params]: Params[Position] extends readonly [string, infer Type] ? HostValue<Type> : never;
};

type HostFunction<Signature extends ImportSignature> = (
  ...args: Extract<HostArguments<Signature['params']>, unknown[]>
) => Signature['result'] extends WasmValueType ? HostValue<Signature['result']> : void;

/** The `libvig` import object's type: one host function per ABI entry, with JS parameter types. */
export type LibVigImports = { [Name in LibVigImportName]: HostFunction<(typeof LIBVIG_ABI)[Name]> };
