// Completion and inspection of the spec language: in property cells from the spec front-end alone (state names of
// the selected NF, header fields, the state API, properties to import); in other cells its names (pop_header,
// ether, the NF's state objects, ...) beside Python's, documented from the same source.
import type { Completion, CompletionSource, InspectionSource } from '../session/assistance.ts';
import type { MimeBundle } from '../session/output.ts';
import type { Manifest } from '../../nf-abi/index.ts';
import { propertyCell } from './property-cell.ts';
import type { NotebookVerification } from './verification-magics.ts';

/** Before any %nf: the spec language's own names still complete. */
const NO_NF: Manifest = { name: '(no NF selected)', description: '', source: '', devices: 2, frame: { min: 0, max: 0 }, config: {}, records: {}, state: [] };

// The front-end (lezer's Python grammar) loads on first use, not when the kernel starts.
const frontend = () => import('../../engine/index.ts');
const vocabulary = async () => (await frontend()).vocabulary;

type Source = CompletionSource & InspectionSource;

export class SpecAssistance {
  /** In property cells: the only completions, and documentation before Python's. */
  readonly inPropertyCells: Source = {
    complete: async (code, cursorPos) => {
      const cell = propertyCell(code);
      return cell && { ...(await this.completeSpec(cell.text, cursorPos)), exclusive: true };
    },
    inspect: async (code, cursorPos) => (propertyCell(code) ? this.document(code, cursorPos) : undefined),
  };

  /** In other cells: the language's names (not members after a dot, not imports) beside Python's, documented after Python's. */
  readonly inOtherCells: Source = {
    complete: async (code, cursorPos) => {
      const lineBefore = code.slice(code.lastIndexOf('\n', cursorPos - 1) + 1, cursorPos);
      if (propertyCell(code) || /\.\w*$/.test(lineBefore) || /^\s*(?:from|import)\b/.test(lineBefore)) return undefined;
      return this.completeSpec(code, cursorPos);
    },
    inspect: async (code, cursorPos) => (propertyCell(code) ? undefined : this.document(code, cursorPos)),
  };

  constructor(private readonly verification: NotebookVerification) {}

  private async completeSpec(text: string, offset: number): Promise<Completion> {
    const { completeSpec } = await frontend();
    const found = completeSpec({ text, offset, manifest: this.manifest(), properties: this.verification.importableProperties() });
    return { matches: found.items.map((item) => item.label), cursorStart: found.from, cursorEnd: found.to };
  }

  private async document(code: string, cursorPos: number): Promise<MimeBundle | undefined> {
    const name = wordAt(code, cursorPos);
    if (!name) return undefined;
    const doc = documentation(name.word, name.afterDot, this.manifest(), await vocabulary());
    return doc === undefined ? undefined : { 'text/plain': doc, 'text/markdown': `\`${name.word}\`: ${doc}` };
  }

  private manifest(): Manifest {
    return this.verification.selected?.manifest ?? NO_NF;
  }
}

function wordAt(code: string, cursorPos: number): { word: string; afterDot: boolean } | undefined {
  const before = /\w*$/.exec(code.slice(0, cursorPos))![0];
  const after = /^\w*/.exec(code.slice(cursorPos))![0];
  const word = before + after;
  if (!/^[A-Za-z_]\w*$/.test(word)) return undefined;
  return { word, afterDot: code[cursorPos - before.length - 1] === '.' };
}

type Vocabulary = Awaited<ReturnType<typeof vocabulary>>;

/** What a name means in the spec language (methods after a dot, otherwise built-ins, headers, state, records). */
function documentation(name: string, afterDot: boolean, manifest: Manifest, v: Vocabulary): string | undefined {
  const signature = (s: { parameters: readonly string[]; doc: string }) => `${name}(${s.parameters.join(', ')}): ${s.doc}`;
  if (afterDot) {
    const methods = Object.entries(v.STATE_METHODS).flatMap(([kind, methods]) => (methods?.[name] ? [`${kind}.${signature(methods[name]!)}`] : []));
    const fields = Object.entries(v.HEADER_FIELD_NAMES).flatMap(([protocol, fields]) => (fields.includes(name) ? [`${protocol}.${name}: header field (little-endian load of the wire bytes)`] : []));
    const attributes = [v.PACKET_ATTRIBUTES[name], v.TRANSMITTED_PACKET_ATTRIBUTES[name]].filter((doc) => doc !== undefined).map((doc) => `packet.${name}: ${doc}`);
    const found = [...methods, ...fields, ...attributes];
    return found.length ? found.join('\n') : undefined;
  }
  if (Object.hasOwn(v.BUILTIN_FUNCTIONS, name)) return signature(v.BUILTIN_FUNCTIONS[name]!);
  if (Object.hasOwn(v.BUILTIN_VALUES, name)) return `${name}: ${v.BUILTIN_VALUES[name]}`;
  const protocol = v.headerProtocolNamed(name);
  if (protocol) {
    const fields = v.HEADER_FIELD_NAMES[protocol].join(', ');
    return `${name}(h, field=...) or ${name}(${fields}): ${protocol === name ? 'a header' : `the ${protocol} header`}; fields ${fields}`;
  }
  if (Object.hasOwn(v.FUNCTION_DIALECT_STATE, name)) return v.FUNCTION_DIALECT_STATE[name];
  const state = manifest.state.find((object) => object.name === name);
  if (state) {
    const methods = Object.entries(v.STATE_METHODS[state.kind] ?? {}).map(([method, s]) => `  ${method}(${s.parameters.join(', ')}): ${s.doc}`);
    return [`${name}: ${state.kind}${state.record ? ` of ${state.record}` : ''} of ${manifest.name} (capacity ${state.capacity}); operations:`, ...methods].join('\n');
  }
  const record = Object.keys(manifest.records).find((type) => v.recordConstructorName(type) === name);
  if (record) return `${name}(${manifest.records[record]!.map((field) => field.name).join(', ')}): a ${record} record of ${manifest.name}`;
  return undefined;
}
