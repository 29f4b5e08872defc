// Config values and config tables as the NF receives them through its imports from module "config".
import type { ColumnType, Manifest } from './manifest.ts';

/** A table cell as the NF receives it: an i32 number, or a bigint for `u64` and `mac` columns. */
function cellValue(type: ColumnType, value: number | string): number | bigint {
  if (type === 'ipv4') return String(value).split('.').reduce((word, octet) => (word << 8) | Number(octet), 0);
  if (type === 'mac') {
    const bytes = String(value).split(':').map((pair) => BigInt(parseInt(pair, 16)));
    return bytes.reduce((word, byte, at) => word | (byte << BigInt(8 * at)), 0n);
  }
  if (type === 'u64') return BigInt.asIntN(64, BigInt(value));
  return Number(BigInt.asIntN(32, BigInt(value)));
}

/** `<table>_count()` (no parameter) or `<table>_<column>(row)`. */
export type TableImport = ((row: number) => number | bigint) | (() => number);

/**
 * The import functions of every config table, by import name (`<table>_count`, `<table>_<column>`), with the
 * values as the NF sees them; a row outside the table is an error naming the table.
 */
export function tableImports(manifest: Manifest): Map<string, TableImport> {
  const imports = new Map<string, TableImport>();
  for (const [name, table] of Object.entries(manifest.tables ?? {})) {
    const count = table.rows.length;
    imports.set(`${name}_count`, () => count);
    for (const [column, type] of Object.entries(table.columns)) {
      const cells = table.rows.map((row) => cellValue(type, row[column]!));
      imports.set(`${name}_${column}`, (row: number) => {
        if (!Number.isInteger(row) || row < 0 || row >= count) {
          throw new RangeError(`${manifest.name} read row ${row} of config table "${name}", which has ${count} rows (0..${count - 1}); read rows below ${name}_count()`);
        }
        return cells[row]!;
      });
    }
  }
  return imports;
}
