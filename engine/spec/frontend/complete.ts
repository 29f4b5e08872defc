// Completion candidates at a cursor, for the kernel's complete_request: state names after
// `from state import`, properties after `import`, fields and operations after `x.` when the text
// shows what x is, config keys in `config["`, and otherwise the names the spec language defines.
import type { SyntaxNode } from '@lezer/common';
import type { Manifest } from '../../../nf-abi/index.ts';
import { detectDialect } from './dialect.ts';
import { parsePython } from './syntax.ts';
import { TypeEnvironment, type SpecType } from './types.ts';
import {
  ADDRESS_FUNCTIONS,
  BUILTIN_FUNCTIONS,
  BUILTIN_VALUES,
  configValues,
  FUNCTION_DIALECT_STATE,
  HEADER_FIELD_NAMES,
  HEADER_FLAGS,
  PACKET_ATTRIBUTES,
  recordConstructorName,
  type Signature,
  STATE_METHODS,
  TCP_FLAG_NAMES,
  TRANSMITTED_PACKET_ATTRIBUTES,
} from './vocabulary.ts';

export interface CompletionRequest {
  text: string;
  /** Cursor position in `text`. */
  offset: number;
  manifest: Manifest;
  /** Names `import` can include: the NF's property files and the session's properties. */
  properties?: string[];
}

export type CompletionKind = 'state' | 'field' | 'operation' | 'function' | 'constructor' | 'value' | 'variable' | 'property' | 'config' | 'keyword';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail: string;
}

/** The candidates replace `text[from, to)` (the part of a name already typed before the cursor). */
export interface Completions {
  from: number;
  to: number;
  items: CompletionItem[];
}

const STATEMENT_KEYWORDS = ['and', 'assert', 'elif', 'else', 'for', 'from', 'if', 'import', 'in', 'not', 'or', 'pass', 'return'];

export function completeSpec(request: CompletionRequest): Completions {
  const { text, offset, manifest } = request;
  const lineBefore = text.slice(text.lastIndexOf('\n', offset - 1) + 1, offset);
  const typed = /\w*$/.exec(lineBefore)![0];
  const from = offset - typed.length;
  const answer = (items: CompletionItem[]): Completions => ({
    from,
    to: offset,
    items: items.filter((i) => i.label.startsWith(typed)).sort((a, b) => a.label.localeCompare(b.label)),
  });

  const tree = parsePython(text);
  const { dialect } = detectDialect(tree, text);
  const types = new TypeEnvironment(tree, text, manifest, dialect);

  if (/config\[\s*["']\w*$/.test(lineBefore)) {
    return answer(Object.entries(configValues(manifest)).map(([name, detail]) => ({ label: name, kind: 'config', detail })));
  }
  const here = tree.resolveInner(offset, -1);
  if (here.name === 'Comment' || here.name === 'String') return answer([]);

  const stateImport = /^\s*from\s+state\s+import\s+([\w\s,]*)$/.exec(lineBefore);
  if (stateImport) {
    const listed = stateImport[1]!.split(',').map((n) => n.trim());
    return answer(manifest.state.filter((s) => !listed.slice(0, -1).includes(s.name)).map((s) => ({ label: s.name, kind: 'state', detail: stateDetail(s.kind, s.record) })));
  }
  if (/^\s*import\s+\w*$/.test(lineBefore)) {
    return answer((request.properties ?? []).map((name) => ({ label: name, kind: 'property', detail: 'include this property here' })));
  }
  if (lineBefore.slice(0, lineBefore.length - typed.length).endsWith('.')) {
    return answer(membersOf(types.typeOf(expressionBefore(tree.resolveInner(from - 1, -1), from - 1)), manifest));
  }
  return answer(namesInScope(types, manifest, dialect === 'function'));
}

/** The largest expression that ends right before the dot at `dot`. */
function expressionBefore(node: SyntaxNode, dot: number): SyntaxNode | undefined {
  let best: SyntaxNode | undefined;
  for (let n: SyntaxNode | null = node; n && n.to <= dot; n = n.parent) if (n.to === dot) best = n;
  return best;
}

function membersOf(type: SpecType | undefined, manifest: Manifest): CompletionItem[] {
  switch (type?.kind) {
    case 'header':
      return [
        ...HEADER_FIELD_NAMES[type.protocol].map((f): CompletionItem => ({ label: f, kind: 'field', detail: `${type.protocol} field (little-endian load of the wire bytes)` })),
        ...HEADER_FLAGS[type.protocol].map((f): CompletionItem => ({ label: f, kind: 'field', detail: `whether the ${f.toUpperCase()} flag is set (a truth value)` })),
      ];
    case 'record':
      return (manifest.records[type.record] ?? []).map((f) => ({ label: f.name, kind: 'field', detail: `${type.record}.${f.name}: ${f.type}` }));
    case 'state':
      return Object.entries(STATE_METHODS[type.object.kind] ?? {}).map(([name, s]) => ({ label: name, kind: 'operation', detail: `${name}(${s.parameters.join(', ')}): ${s.doc}` }));
    case 'packet':
      return Object.entries(PACKET_ATTRIBUTES).map(([name, doc]) => ({ label: name, kind: 'field', detail: doc }));
    case 'transmitted_packet':
      return Object.entries(TRANSMITTED_PACKET_ATTRIBUTES).map(([name, doc]) => ({ label: name, kind: 'field', detail: doc }));
    default:
      return [];
  }
}

function namesInScope(types: TypeEnvironment, manifest: Manifest, functionDialect: boolean): CompletionItem[] {
  const items = new Map<string, CompletionItem>();
  const add = (label: string, kind: CompletionKind, detail: string) => void (items.has(label) || items.set(label, { label, kind, detail }));
  for (const name of types.boundNames()) {
    const type = types.typeOfName(name);
    add(name, type?.kind === 'state' ? 'state' : 'variable', type ? describe(type) : 'defined in this spec');
  }
  for (const flag of TCP_FLAG_NAMES) add(flag, 'value', `the TCP ${flag} flag, as a tcp header's flags field holds it: t.flags == SYN | ACK`);
  if (functionDialect) {
    for (const [name, doc] of Object.entries(FUNCTION_DIALECT_STATE)) add(name, 'constructor', doc);
    for (const [name, s] of Object.entries(ADDRESS_FUNCTIONS)) add(name, 'function', signatureDetail(name, s));
  } else {
    for (const [name, doc] of Object.entries(BUILTIN_VALUES)) add(name, 'value', doc);
    for (const [name, detail] of Object.entries(configValues(manifest))) add(name, 'config', detail);
    for (const object of manifest.state) add(object.name, 'state', `${stateDetail(object.kind, object.record)} (compared only if imported)`);
    for (const [name, s] of Object.entries(BUILTIN_FUNCTIONS)) add(name, 'function', signatureDetail(name, s));
    for (const [protocol, fields] of Object.entries(HEADER_FIELD_NAMES)) add(protocol, 'constructor', `${protocol}(h, field=...) or ${protocol}(${fields.join(', ')})`);
    for (const [record, fields] of Object.entries(manifest.records)) {
      add(recordConstructorName(record), 'constructor', `${recordConstructorName(record)}(${fields.map((f) => f.name).join(', ')}): a ${record} record`);
    }
    for (const keyword of STATEMENT_KEYWORDS) add(keyword, 'keyword', 'Python keyword');
  }
  return [...items.values()];
}

const signatureDetail = (name: string, s: Signature) => `${name}(${s.parameters.join(', ')}): ${s.doc}`;

function describe(type: SpecType): string {
  switch (type.kind) {
    case 'header':
      return `${type.protocol} header`;
    case 'record':
      return `${type.record} record`;
    case 'state':
      return stateDetail(type.object.kind, type.object.record);
    default:
      return type.kind.replace('_', ' ');
  }
}

function stateDetail(kind: string, record: string | undefined): string {
  return record ? `${kind} of ${record}` : kind;
}
