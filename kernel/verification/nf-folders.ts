// Which folder `%nf NAME_OR_PATH` means: a bare name is an NF of the project's nfs/, anything with a slash or a
// leading dot is a path from the notebook's folder.
import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_NFS = fileURLToPath(new URL('../../nfs/', import.meta.url));

export function resolveNfFolder(nameOrPath: string, workingDirectory: string): string {
  const isPath = nameOrPath.includes('/') || nameOrPath.startsWith('.') || isAbsolute(nameOrPath);
  return isPath ? resolve(workingDirectory, nameOrPath) : join(PROJECT_NFS, nameOrPath);
}

/** Why the folder is not an NF, saying what to write instead; undefined when it is one. */
export function notAnNf(folder: string, nameOrPath: string): string | undefined {
  if (existsSync(join(folder, 'nf.json'))) return undefined;
  const known = existsSync(PROJECT_NFS)
    ? readdirSync(PROJECT_NFS).filter((name) => existsSync(join(PROJECT_NFS, name, 'nf.json'))).sort()
    : [];
  return `"${nameOrPath}" is not an NF: ${folder} has no nf.json. Name an NF of nfs/ (${known.join(', ') || 'none found'}) or give a path to an NF folder (relative to the notebook, e.g. ../tests/programs/nfs/learner)`;
}
