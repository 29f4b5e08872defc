// Checks the architecture's import rules (tests/architecture/README.md): each folder README's `May import:` line against the actual imports.
import { readdirSync, readFileSync, type Stats, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, posix } from 'node:path';

/** Folder names never walked into, at any depth. */
const IGNORED_FOLDERS = new Set(['node_modules', '.cache', '.git', 'evaluation']);
const SCRIPT_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];
const C_EXTENSIONS = ['.c', '.h'];

/** One `May import:` line: where it is and what it allows. */
export interface Rule {
  /** The owner folder, repository-relative with a trailing `/` ('' for the root). */
  folder: string;
  readme: string;
  line: number;
  /** The entries as written (without backticks). */
  entries: string[];
  any: boolean;
  folders: string[];
  files: Set<string>;
  packages: Set<string>;
}

/** An import found in a source file, before resolution. */
export interface ImportSite {
  line: number;
  specifier: string;
}

interface Edge {
  from: string;
  line: number;
  to: string;
}

const isScript = (path: string) => SCRIPT_EXTENSIONS.some((e) => path.endsWith(e));
const isC = (path: string) => C_EXTENSIONS.some((e) => path.endsWith(e));
const folderOf = (path: string) => {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash + 1);
};
const showFolder = (folder: string) => (folder === '' ? './' : folder);

/**
 * Blanks comments (keeping line breaks, so offsets and line numbers stay put) and tells which offsets are code.
 * JavaScript/TypeScript: strings, template literals (with nested `${}`), regular expression literals; C: strings
 * and character literals.
 */
export function stripComments(source: string, language: 'script' | 'c'): { code: string; isCode: Uint8Array } {
  const n = source.length;
  const isCode = new Uint8Array(n).fill(1);
  const pieces: string[] = [];
  let copied = 0;
  const script = language === 'script';
  const templateDepths: number[] = [];
  // What came before a `/`: decides between a division and a regular expression literal.
  let lastSignificant = '';
  let lastWord = '';
  let i = 0;
  const notCode = (from: number, to: number) => isCode.fill(0, from, to);
  const comment = (from: number, to: number) => {
    notCode(from, to);
    pieces.push(source.slice(copied, from), source.slice(from, to).replace(/[^\n]/g, ' '));
    copied = to;
  };
  // Scans template text from i (just after ` or }) to the closing ` (returns after it) or to `${` (enters code).
  const scanTemplate = () => {
    const from = i;
    while (i < n) {
      const c = source.charCodeAt(i);
      if (c === 92 /* \ */) i += 2;
      else if (c === 96 /* ` */) {
        i++;
        lastSignificant = '`';
        break;
      } else if (c === 36 /* $ */ && source.charCodeAt(i + 1) === 123 /* { */) {
        i += 2;
        templateDepths.push(0);
        lastSignificant = '{';
        break;
      } else i++;
    }
    notCode(from, i);
    lastWord = '';
  };
  const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c > 127;
  const regexAllowed = () =>
    lastSignificant === '' ||
    '(,=:[!&|?{};+-*%<>~^'.includes(lastSignificant) ||
    /^(return|typeof|case|do|else|in|of|new|delete|void|throw|instanceof|yield|await)$/.test(lastWord);
  while (i < n) {
    const c = source.charCodeAt(i);
    const next = source.charCodeAt(i + 1);
    if (c === 47 /* / */ && next === 47) {
      const end = source.indexOf('\n', i);
      const stop = end < 0 ? n : end;
      comment(i, stop);
      i = stop;
    } else if (c === 47 && next === 42 /* * */) {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      comment(i, stop);
      i = stop;
    } else if (c === 34 /* " */ || c === 39 /* ' */) {
      const from = i++;
      while (i < n && source.charCodeAt(i) !== c && source.charCodeAt(i) !== 10) i += source.charCodeAt(i) === 92 ? 2 : 1;
      i++;
      notCode(from, i);
      lastSignificant = '"';
      lastWord = '';
    } else if (script && c === 96) {
      notCode(i, i + 1);
      i++;
      scanTemplate();
    } else if (script && c === 125 /* } */ && templateDepths.length > 0 && templateDepths[templateDepths.length - 1] === 0) {
      templateDepths.pop();
      notCode(i, i + 1);
      i++;
      scanTemplate();
    } else if (script && c === 47 && regexAllowed()) {
      const from = i++;
      let inClass = false;
      while (i < n && source.charCodeAt(i) !== 10) {
        const r = source.charCodeAt(i);
        if (r === 92) i++;
        else if (r === 91 /* [ */) inClass = true;
        else if (r === 93 /* ] */) inClass = false;
        else if (r === 47 && !inClass) break;
        i++;
      }
      i++;
      while (i < n && isWordChar(source.charCodeAt(i))) i++;
      notCode(from, i);
      lastSignificant = '/';
      lastWord = '';
    } else if (isWordChar(c)) {
      const from = i;
      while (i < n && isWordChar(source.charCodeAt(i))) i++;
      lastWord = source.slice(from, i);
      lastSignificant = 'a';
    } else {
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) {
        lastSignificant = source[i]!;
        lastWord = '';
        if (templateDepths.length > 0) {
          if (c === 123) templateDepths[templateDepths.length - 1]!++;
          else if (c === 125) templateDepths[templateDepths.length - 1]!--;
        }
      }
      i++;
    }
  }
  pieces.push(source.slice(copied));
  return { code: pieces.join(''), isCode };
}

const LITERAL = String.raw`(['"\x60])([^'"\x60\n$]+)\1`;
const SCRIPT_PATTERNS: RegExp[] = [
  // import x from '…', import { a } from '…', import * as m from '…', import type …, export … from '…'
  new RegExp(String.raw`\b(?:import|export)\s+(?:type\s+)?(?:[\w$]+\s*,\s*)?(?:\{[^}]*\}|\*(?:\s+as\s+[\w$]+)?|[\w$]+)\s*from\s*` + LITERAL, 'g'),
  // import '…'
  new RegExp(String.raw`\bimport\s*` + LITERAL, 'g'),
  // import('…'), typeof import('…')
  new RegExp(String.raw`\bimport\s*\(\s*` + LITERAL + String.raw`\s*[,)]`, 'g'),
  // import.meta.resolve('…')
  new RegExp(String.raw`\bimport\.meta\.resolve\s*\(\s*` + LITERAL, 'g'),
  // require('…'), require.resolve('…') (not obj.require(…))
  new RegExp(String.raw`(?<![\w$.])require(?:\.resolve)?\s*\(\s*` + LITERAL, 'g'),
  // createRequire(…)('…'), createRequire(…).resolve('…')
  new RegExp(String.raw`\bcreateRequire\s*\((?:[^()]|\([^()]*\))*\)\s*(?:\.resolve)?\s*\(\s*` + LITERAL, 'g'),
];
const WORKER_URL = new RegExp(String.raw`\bnew\s+URL\s*\(\s*` + LITERAL + String.raw`\s*,\s*import\.meta\.url\s*\)`, 'g');
const REQUIRE_ALIAS = /\b(?:const|let|var)\s+([\w$]+)\s*=\s*createRequire\s*\(/g;
const C_INCLUDE = /^[ \t]*#[ \t]*include[ \t]*"([^"\n]+)"/gm;

/** The imports of one source file (`path` only decides the language), in source order. */
export function findImports(path: string, source: string): ImportSite[] {
  const { code, isCode } = stripComments(source, isC(path) ? 'c' : 'script');
  const lineStarts = [0];
  for (let k = source.indexOf('\n'); k >= 0; k = source.indexOf('\n', k + 1)) lineStarts.push(k + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const found = new Map<number, ImportSite>();
  const collect = (pattern: RegExp, group: number, accept: (specifier: string) => boolean = () => true) => {
    for (const match of code.matchAll(pattern)) {
      const at = (match.index ?? 0) + match[0].search(/\S/);
      const specifier = match[group]!;
      if (isCode[at] && accept(specifier) && !found.has(at)) found.set(at, { line: lineOf(at), specifier });
    }
  };
  if (isC(path)) collect(C_INCLUDE, 1);
  else {
    for (const pattern of SCRIPT_PATTERNS) collect(pattern, 2);
    collect(WORKER_URL, 2, (specifier) => isScript(specifier));
    for (const alias of code.matchAll(REQUIRE_ALIAS)) {
      const name = alias[1]!.replace(/\$/g, '\\$');
      collect(new RegExp(String.raw`(?<![\w$.])${name}(?:\.resolve)?\s*\(\s*` + LITERAL, 'g'), 2);
    }
  }
  return [...found.entries()].sort(([a], [b]) => a - b).map(([, site]) => site);
}

/** The npm package a bare specifier names: `a/b` -> `a`, `@s/a/b` -> `@s/a`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** One `May import:` line of a README. */
export interface MayImportLine {
  line: number;
  /** The backticked tokens before the first full stop (what follows it is a comment). */
  entries: string[];
  /** The list has no full stop and the paragraph goes on with backticked text on the next line: entries may be lost. */
  continued: boolean;
}

/**
 * Parses a README: the lines starting with `May import:` (outside fenced code blocks). The entries are the
 * backticked tokens up to the first full stop outside backticks and parentheses (a `.` followed by a space or
 * the end of the line).
 */
export function findMayImportLines(readme: string): MayImportLine[] {
  const found: MayImportLine[] = [];
  const lines = readme.split('\n');
  let fenced = false;
  lines.forEach((text, index) => {
    if (/^\s*(```|~~~)/.test(text)) fenced = !fenced;
    const match = !fenced && /^\s*May import:(.*)$/.exec(text);
    if (!match) return;
    const rest = match[1]!;
    const entries: string[] = [];
    let depth = 0;
    let ended = false;
    for (let k = 0; k < rest.length && !ended; k++) {
      const c = rest[k];
      if (c === '`') {
        const close = rest.indexOf('`', k + 1);
        if (close < 0) break;
        entries.push(rest.slice(k + 1, close).trim());
        k = close;
      } else if (c === '(') depth++;
      else if (c === ')') depth = Math.max(0, depth - 1);
      else if (c === '.' && depth === 0 && (k + 1 === rest.length || /\s/.test(rest[k + 1]!))) ended = true;
    }
    const next = lines[index + 1] ?? '';
    const continued = !ended && next.trim() !== '' && !/^\s*([#>|*+-]|\d+[.)]|```|~~~)/.test(next) && next.includes('`');
    found.push({ line: index + 1, entries, continued });
  });
  return found;
}

/** The problems with the import rules under `root` (paths in messages are relative to it), sorted. */
export function checkImportRules(root: string, options: { exclude?: string[] } = {}): string[] {
  const excluded = new Set((options.exclude ?? []).map((p) => posix.normalize(p).replace(/^\.\/|\/$/g, '')));
  const files = new Set<string>();
  const folders = new Set<string>(['']);
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = dir + entry.name;
      if (excluded.has(path)) continue;
      if (entry.isDirectory()) {
        if (IGNORED_FOLDERS.has(entry.name)) continue;
        folders.add(path + '/');
        walk(path + '/');
      } else if (entry.isFile()) files.add(path);
    }
  };
  walk('');
  // What the walk saw, else what is on disk (a path the walk left out, such as an ignored folder).
  const existsAs = (walked: ReadonlySet<string>, kind: (stats: Stats) => boolean) => (path: string): boolean => {
    if (walked.has(path)) return true;
    try {
      return kind(statSync(join(root, path)));
    } catch {
      return false;
    }
  };
  const isFile = existsAs(files, (stats) => stats.isFile());
  const isFolder = existsAs(folders, (stats) => stats.isDirectory());

  const problems: string[] = [];
  const rules = new Map<string, Rule>();
  for (const readme of [...files].filter((f) => f === 'README.md' || f.endsWith('/README.md')).sort()) {
    const lines = findMayImportLines(readFileSync(join(root, readme), 'utf8'));
    if (lines.length === 0) continue;
    for (const extra of lines.slice(1)) problems.push(`${readme}:${extra.line}: a second 'May import:' line (the first is line ${lines[0]!.line}); keep one`);
    const { line, entries, continued } = lines[0]!;
    if (continued) problems.push(`${readme}:${line}: the 'May import:' line goes on to line ${line + 1}; keep the entries on one line and end the list with a full stop (later lines are not read)`);
    const rule: Rule = { folder: folderOf(readme), readme, line, entries, any: false, folders: [], files: new Set(), packages: new Set() };
    for (const entry of entries) {
      if (entry === '*') rule.any = true;
      else if (entry.startsWith('npm:') && entry.length > 4) rule.packages.add(entry.slice(4));
      else if (entry.endsWith('/')) {
        if (isFolder(entry)) rule.folders.push(entry);
        else problems.push(`${readme}:${line}: May import entry \`${entry}\` is not a folder of the repository`);
      } else if (isFile(entry)) rule.files.add(entry);
      else if (isFolder(entry + '/')) problems.push(`${readme}:${line}: May import entry \`${entry}\` is a folder: write \`${entry}/\``);
      else {
        const hint = isFolder(`node_modules/${entry}/`) ? `: for the npm package, write \`npm:${entry}\`` : '';
        problems.push(`${readme}:${line}: May import entry \`${entry}\` is neither a repository file, a folder ending in '/', 'npm:NAME' nor '*'${hint}`);
      }
    }
    rules.set(rule.folder, rule);
  }
  const ownerOf = (path: string): Rule | undefined => {
    let folder = folderOf(path);
    for (;;) {
      const rule = rules.get(folder);
      if (rule || folder === '') return rule;
      folder = folderOf(folder.slice(0, -1));
    }
  };
  const describe = (rule: Rule) => `(May import: ${rule.entries.length === 0 ? 'nothing' : rule.entries.map((e) => `\`${e}\``).join(', ')})`;

  const sources = [...files].filter((f) => isScript(f) || isC(f)).sort();
  const graph = new Map<string, Edge[]>(sources.map((f) => [f, []]));
  const folderEdges = new Map<string, Map<string, Edge>>();
  for (const file of sources) {
    const owner = ownerOf(file);
    if (!owner) problems.push(`${file}: no folder above it has a README.md with a 'May import:' line`);
    const seen = new Set<string>();
    for (const { line, specifier } of findImports(file, readFileSync(join(root, file), 'utf8'))) {
      const relative = specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..';
      if (isC(file) || relative) {
        const base = posix.normalize(posix.join(folderOf(file), specifier));
        if (base === '..' || base.startsWith('../')) {
          problems.push(`${file}:${line}: imports ${specifier}, which is outside the repository`);
          continue;
        }
        const candidates = isC(file) || isScript(base) ? [...new Set([base, base.replace(/\.(m|c)?js$/, '.$1ts')])] : [base, base + '.ts', base + '/index.ts'];
        const target = candidates.find(isFile);
        if (!target) {
          problems.push(`${file}:${line}: imports ${specifier}, which is not a file (${candidates.length > 1 ? 'tried ' : ''}${candidates.join(', ')})`);
          continue;
        }
        if (seen.has(target)) continue;
        seen.add(target);
        if (graph.has(target)) graph.get(file)!.push({ from: file, line, to: target });
        const targetOwner = ownerOf(target);
        if (owner && targetOwner && targetOwner !== owner) {
          const edges = folderEdges.get(owner.folder) ?? new Map<string, Edge>();
          folderEdges.set(owner.folder, edges);
          if (!edges.has(targetOwner.folder)) edges.set(targetOwner.folder, { from: file, line, to: target });
        }
        if (!owner || targetOwner === owner || owner.any || owner.files.has(target) || owner.folders.some((f) => target.startsWith(f))) continue;
        problems.push(`${file}:${line}: imports ${target}, which ${owner.readme} does not allow ${describe(owner)}`);
      } else if (specifier.startsWith('/')) {
        problems.push(`${file}:${line}: imports ${specifier}, an absolute path: use a relative one`);
      } else if (isBuiltin(specifier) || /^[a-z][a-z0-9+.-]*:/i.test(specifier) || specifier.startsWith('#')) {
        continue; // node built-ins; data:, file: and other URLs; package.json "imports"
      } else {
        const name = packageName(specifier);
        if (seen.has('npm:' + name)) continue;
        seen.add('npm:' + name);
        if (!owner || owner.any || owner.packages.has(name)) continue;
        problems.push(`${file}:${line}: imports npm package ${name}, which ${owner.readme} does not allow ${describe(owner)}`);
      }
    }
  }

  for (const cycle of findCycles([...graph.keys()], (f) => graph.get(f)!.map((e) => e.to))) {
    const [path, rest] = cycle;
    problems.push(`import cycle: ${path.join(' -> ')}${rest.length > 0 ? ` (the same strongly connected group also holds ${rest.join(', ')})` : ''}`);
  }
  const ownerFolders = [...rules.keys()].sort();
  for (const [path, rest] of findCycles(ownerFolders, (f) => [...(folderEdges.get(f)?.keys() ?? [])])) {
    const witnesses = path.slice(0, -1).map((from, k) => {
      const edge = folderEdges.get(from)!.get(path[k + 1]!)!;
      return `${edge.from}:${edge.line} imports ${edge.to}`;
    });
    problems.push(
      `folder import cycle: ${path.map(showFolder).join(' -> ')} (${witnesses.join('; ')})` +
        (rest.length > 0 ? ` (the same strongly connected group also holds ${rest.map(showFolder).join(', ')})` : ''),
    );
  }
  return problems.sort(naturalCompare);
}

/** Orders strings with their digit runs compared as numbers (`a.ts:9` before `a.ts:10`). */
export function naturalCompare(a: string, b: string): number {
  const split = (s: string) => s.split(/(\d+)/);
  const x = split(a);
  const y = split(b);
  for (let k = 0; k < Math.min(x.length, y.length); k++) {
    const [p, q] = [x[k]!, y[k]!];
    if (p === q) continue;
    if (k % 2 === 1) return Number(p) - Number(q) || (p < q ? -1 : 1);
    return p < q ? -1 : 1;
  }
  return x.length - y.length;
}

/**
 * The cycles of a directed graph, one per strongly connected component that has one (Tarjan): the shortest cycle
 * through the component's first node (in `nodes` order), and the component's nodes that this cycle leaves out.
 */
export function findCycles(nodes: string[], successors: (node: string) => string[]): [path: string[], rest: string[]][] {
  const known = new Set(nodes);
  const next = (node: string) => successors(node).filter((s) => known.has(s));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  // Iterative Tarjan, so deep import chains cannot overflow the call stack.
  for (const start of nodes) {
    if (index.has(start)) continue;
    const work: [string, number][] = [[start, 0]];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [node, k] = frame;
      const succ = next(node);
      if (k < succ.length) {
        frame[1]++;
        const s = succ[k]!;
        if (!index.has(s)) {
          index.set(s, counter);
          low.set(s, counter++);
          stack.push(s);
          onStack.add(s);
          work.push([s, 0]);
        } else if (onStack.has(s)) low.set(node, Math.min(low.get(node)!, index.get(s)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low.set(parent, Math.min(low.get(parent)!, low.get(node)!));
      }
      if (low.get(node) === index.get(node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== node);
        components.push(component);
      }
    }
  }
  const order = new Map(nodes.map((node, k) => [node, k]));
  const cycles: [string[], string[]][] = [];
  for (const component of components) {
    const members = new Set(component);
    const first = [...component].sort((a, b) => order.get(a)! - order.get(b)!)[0]!;
    if (component.length === 1 && !next(first).includes(first)) continue;
    // Breadth-first from `first` inside the component, back to `first`.
    const parent = new Map<string, string>();
    const queue = [first];
    let last: string | undefined;
    for (let q = 0; q < queue.length && last === undefined; q++) {
      for (const s of next(queue[q]!)) {
        if (!members.has(s)) continue;
        if (s === first) {
          last = queue[q]!;
          break;
        }
        if (!parent.has(s)) {
          parent.set(s, queue[q]!);
          queue.push(s);
        }
      }
    }
    const path = [first];
    for (let node = last!; node !== first; node = parent.get(node)!) path.splice(1, 0, node);
    path.push(first);
    const inPath = new Set(path);
    cycles.push([path, component.filter((m) => !inPath.has(m)).sort((a, b) => order.get(a)! - order.get(b)!)]);
  }
  return cycles;
}
