// Which folder `%nf NAME_OR_PATH` means: a bare name is an NF of the project's nfs/, anything with a slash or a
// leading dot is a path from the notebook's folder. Also what `%nf` (and `%bench`) complete to.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nfFolderMistake } from '../../nf-abi/index.ts';

const PROJECT_NFS = fileURLToPath(new URL('../../nfs/', import.meta.url));

const isPath = (nameOrPath: string) => nameOrPath.includes('/') || nameOrPath.startsWith('.') || isAbsolute(nameOrPath);
const isNf = (folder: string) => existsSync(join(folder, 'nf.json'));

export function resolveNfFolder(nameOrPath: string, workingDirectory: string): string {
  return isPath(nameOrPath) ? resolve(workingDirectory, nameOrPath) : join(PROJECT_NFS, nameOrPath);
}

/** The NFs of the project's nfs/, by name. */
function projectNfs(): string[] {
  return existsSync(PROJECT_NFS) ? readdirSync(PROJECT_NFS).filter((name) => isNf(join(PROJECT_NFS, name))).sort() : [];
}

/** Why the folder is not an NF, saying what to write instead; undefined when it is one. */
export function notAnNf(folder: string, nameOrPath: string): string | undefined {
  if (isNf(folder)) return undefined;
  return nfFolderMistake(folder, nameOrPath) ?? `"${nameOrPath}" is not an NF: ${folder} has no nf.json. Name an NF of nfs/ (${projectNfs().join(', ') || 'none found'}) or give a path to an NF folder (relative to the notebook, e.g. ../tests/programs/nfs/learner)`;
}

/**
 * What `typed` may become: NF names of nfs/, or, once it is a path, the folders beside it (an NF folder as it is,
 * any other folder with a slash, to go on into it).
 */
export function nfCandidates(typed: string, workingDirectory: string): string[] {
  if (!isPath(typed)) return projectNfs();
  const prefix = typed.slice(0, typed.lastIndexOf('/') + 1);
  const folder = resolve(workingDirectory, prefix || '.');
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return [];
  }
  const hidden = typed.slice(prefix.length).startsWith('.');
  return entries
    .filter((entry) => (hidden || !entry.startsWith('.')) && entry !== 'node_modules' && isFolder(join(folder, entry)))
    .sort()
    .map((entry) => `${prefix}${entry}${isNf(join(folder, entry)) ? '' : '/'}`);
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
