// Module hooks (loader/register.js) that load the listed files as Node would, without tsx's transform.
import { readFile } from 'node:fs/promises';

interface LoadResult {
  format: string;
  source: Uint8Array | string;
  shortCircuit?: boolean;
}
type NextLoad = (url: string, context: LoadContext) => Promise<LoadResult>;
interface LoadContext {
  format?: string | null;
}

let untransformed = new Set<string>();

export function initialize(data: { untransformed: string[] }): void {
  untransformed = new Set(data.untransformed);
}

export async function load(url: string, context: LoadContext, nextLoad: NextLoad): Promise<LoadResult> {
  // Each listed file is an ES module (its package says "type": "module").
  if (untransformed.has(url)) return { format: 'module', source: await readFile(new URL(url)), shortCircuit: true };
  return nextLoad(url, context);
}
