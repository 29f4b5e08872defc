// A spec file's text as Python reads it (PEP 263): bytes that do not decode are an error where they are, not replaced.
import { readFileSync } from 'node:fs';

/** Where a file's bytes stop decoding, and what to do (the front-end reports it as a syntax error there). */
export interface Undecodable {
  line: number;
  column: number;
  message: string;
}

export interface SpecText {
  text: string;
  /** Set when the bytes do not decode: `text` is then what precedes the first bad byte. */
  undecodable?: Undecodable;
}

/** PEP 263's declaration, on one of the first two lines: `# -*- coding: latin-1 -*-`, `# vim: set fileencoding=...`. */
const CODING = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** A spec or property file that cannot be read, such as a folder named like one: the input's mistake, never a crash. */
export class SpecFileError extends Error {
  override name = 'SpecFileError';
}

export function readSpecFile(path: string): SpecText {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new SpecFileError((error as NodeJS.ErrnoException).code === 'EISDIR'
      ? `${path} is a folder, not a spec file: a spec or property is a Python file; rename or remove the folder`
      : `cannot read the spec ${path}: ${(error as Error).message}`);
  }
  return decodeSpec(bytes);
}

export function decodeSpec(bytes: Uint8Array): SpecText {
  const bom = UTF8_BOM.every((b, i) => bytes[i] === b);
  const declared = bom ? null : declaredEncoding(bytes);
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(declared ?? 'utf-8', { fatal: true, ignoreBOM: false });
  } catch {
    return { text: '', undecodable: { line: declared ? declarationLine(bytes) : 1, column: 1, message: `unknown encoding '${declared}': declare one Python knows (utf-8, latin-1, cp1252, ...)` } };
  }
  try {
    return { text: decoder.decode(bytes) };
  } catch {
    if (declared && declared !== 'utf-8' && declared !== 'utf8') {
      return { text: '', undecodable: { line: declarationLine(bytes), column: 1, message: `the file does not decode as '${declared}', the encoding this line declares: declare the one it was saved in` } };
    }
    // UTF-8: find the first byte that does not decode and say where it is.
    const start = bom ? 3 : 0;
    const good = firstInvalidUtf8(bytes, start);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(start, good));
    const lines = text.split('\n');
    return {
      text,
      undecodable: {
        line: lines.length,
        column: lines.at(-1)!.length + 1,
        message: `byte 0x${bytes[good]!.toString(16).padStart(2, '0')} is not UTF-8: save the file as UTF-8, or declare its encoding on line 1 or 2 (# -*- coding: latin-1 -*-)`,
      },
    };
  }
}

/** The encoding line 1 or 2 declares (PEP 263), or null. */
function declaredEncoding(bytes: Uint8Array): string | null {
  for (const line of firstLines(bytes)) {
    const match = CODING.exec(line);
    // Python's names for an encoding, as TextDecoder knows them: latin_1 and latin-1 are latin1.
    if (match) return match[1]!.toLowerCase().replaceAll('_', '-').replace(/^latin-1$/, 'latin1');
  }
  return null;
}

function declarationLine(bytes: Uint8Array): number {
  return firstLines(bytes).findIndex((line) => CODING.test(line)) + 1;
}

/** The first two lines, read as Latin-1 (the declaration itself is ASCII). */
function firstLines(bytes: Uint8Array): string[] {
  return new TextDecoder('latin1').decode(bytes.subarray(0, 1024)).split('\n').slice(0, 2);
}

/**
 * The offset of the first byte that is no part of valid UTF-8, from `start` on: where the lenient decoding first
 * put a replacement character that the file does not itself hold (as the bytes EF BF BD).
 */
function firstInvalidUtf8(bytes: Uint8Array, start: number): number {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(start));
  const encoder = new TextEncoder();
  for (let at = text.indexOf('\uFFFD'); at >= 0; at = text.indexOf('\uFFFD', at + 1)) {
    const offset = start + encoder.encode(text.slice(0, at)).length;
    if (bytes[offset] !== 0xef || bytes[offset + 1] !== 0xbf || bytes[offset + 2] !== 0xbd) return offset;
  }
  return bytes.length;
}
