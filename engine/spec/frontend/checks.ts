// Static checks of a spec against the language and the NF's manifest, before anything runs:
// state names, header fields, record and header constructors, the state API, config keys, literals.
import type { SyntaxNode, Tree } from '@lezer/common';
import type { Manifest } from '../../../nf-abi/index.ts';
import type { DiagnosticKind } from './diagnostic.ts';
import type { Dialect } from './dialect.ts';
import type { Problem } from './problem.ts';
import { isAddressFunction, literalProblems } from './literals.ts';
import { nodesNamed, readArguments, textOf, type Arguments } from './syntax-tree.ts';
import { TypeEnvironment } from './types.ts';
import { ADDRESS_FUNCTIONS, BUILTIN_FUNCTIONS, HEADER_FIELD_NAMES, HEADER_FLAGS, headerFieldHint, headerProtocolNamed, PACKET_ATTRIBUTES, STATE_METHODS, TRANSMITTED_PACKET_ATTRIBUTES, type HeaderProtocol } from './vocabulary.ts';

export function checkSpec(tree: Tree, text: string, manifest: Manifest, dialect: Dialect): Problem[] {
  return new SpecChecker(tree, text, manifest, dialect).run();
}

const list = (names: readonly string[]) => (names.length ? names.join(', ') : 'none');
const withArticle = (word: string) => `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;

class SpecChecker {
  private readonly problems: Problem[] = [];
  private readonly types: TypeEnvironment;

  constructor(
    private readonly tree: Tree,
    private readonly text: string,
    private readonly manifest: Manifest,
    dialect: Dialect,
  ) {
    this.types = new TypeEnvironment(tree, text, manifest, dialect);
  }

  run(): Problem[] {
    for (const node of nodesNamed(this.tree, 'ImportStatement', 'MemberExpression', 'CallExpression')) {
      if (node.name === 'ImportStatement') this.checkStateImport(node);
      else if (node.name === 'CallExpression') this.checkCall(node);
      else if (node.getChild('[')) this.checkConfigKey(node);
      else this.checkMember(node);
    }
    return this.problems.sort((a, b) => a.offset - b.offset);
  }

  private report(node: SyntaxNode, kind: DiagnosticKind, message: string): void {
    this.problems.push({ offset: node.from, kind, message });
  }

  private source(node: SyntaxNode): string {
    return textOf(node, this.text);
  }

  private checkStateImport(statement: SyntaxNode): void {
    if (statement.firstChild?.name !== 'from' || this.source(statement.getChild('VariableName')!) !== 'state') return;
    const declared = this.manifest.state.map((s) => s.name);
    for (const name of statement.getChildren('VariableName').slice(1)) {
      if (declared.includes(this.source(name))) continue;
      const which = declared.length ? `its state objects are ${list(declared)}` : 'it has no state objects';
      this.report(name, 'state', `'${this.source(name)}' is not a state object of ${this.manifest.name}: ${which} (its nf.json's "state")`);
    }
  }

  /** `x.name`: a header field, a record field, a state operation or a packet attribute. */
  private checkMember(member: SyntaxNode): void {
    const property = member.getChild('PropertyName');
    if (!property) return;
    const object = member.firstChild!;
    const type = this.types.typeOf(object);
    const name = this.source(property);
    const what = `'${this.source(object)}'`;
    const unknown = (kind: DiagnosticKind, description: string, known: readonly string[], noun: string) => {
      if (!known.includes(name)) this.report(property, kind, `${what} is ${description}, which has no ${noun} '${name}'; its ${noun}s are ${list(known)}`);
    };
    switch (type?.kind) {
      case 'header': {
        const fields = HEADER_FIELD_NAMES[type.protocol];
        const flags = HEADER_FLAGS[type.protocol];
        if ([...fields, ...flags].includes(name)) return;
        const known = flags.length ? `field or flag '${name}'; its fields are ${list(fields)}, its flags ${list(flags)}` : `field '${name}'; its fields are ${list(fields)}`;
        this.report(property, 'header', `${what} is ${withArticle(type.protocol)} header, which has no ${known}${headerFieldHint(type.protocol, name)}`);
        return;
      }
      case 'record':
        return unknown('constructor', `${withArticle(type.record)} record`, this.recordFields(type.record), 'field');
      case 'state': {
        const methods = STATE_METHODS[type.object.kind];
        if (methods) unknown('state', withArticle(type.object.kind), Object.keys(methods), 'operation');
        return;
      }
      case 'packet':
        return unknown('header', 'the received packet', Object.keys(PACKET_ATTRIBUTES), 'attribute');
      case 'transmitted_packet':
        return unknown('header', 'the transmitted packet', Object.keys(TRANSMITTED_PACKET_ATTRIBUTES), 'attribute');
      default:
        return;
    }
  }

  private checkCall(call: SyntaxNode): void {
    const callee = call.firstChild!;
    const argList = call.getChild('ArgList');
    if (!argList) return;
    const args = readArguments(argList, this.text);
    if (args.spread) return;
    if (callee.name === 'MemberExpression') return this.checkStateCall(callee, args, call);
    if (callee.name !== 'VariableName') return;
    const name = this.source(callee);
    if (this.types.isBound(name)) return;
    const record = this.types.recordOfConstructor(name);
    if (record) return this.checkRecordConstructor(callee, record, args);
    const protocol = headerProtocolNamed(name);
    if (protocol) return this.checkHeaderConstructor(callee, protocol, args);
    if (name === 'pop_header') return this.checkPopHeader(call, args);
    if (isAddressFunction(name)) return this.checkAddressFunction(call, name, args);
    if (name === 'vector_get' || name === 'vector_set') this.checkArity(call, name, BUILTIN_FUNCTIONS[name]!.parameters, args, 'state');
  }

  private checkRecordConstructor(callee: SyntaxNode, record: string, args: Arguments): void {
    const fields = this.recordFields(record);
    const name = this.source(callee);
    for (const keyword of args.keywords) {
      if (!fields.includes(keyword.name)) this.report(keyword.nameNode, 'constructor', `${record} has no field '${keyword.name}'; its fields are ${list(fields)}`);
    }
    const given = args.positional.length + args.keywords.length;
    if (given !== fields.length) {
      this.report(callee, 'constructor', `${name} takes ${fields.length} argument${fields.length === 1 ? '' : 's'} (${list(fields)}), one per field of ${record} in nf.json, but is given ${given}`);
    }
  }

  /** `ether(h, saddr=...)`: a header equal to h except the named fields; `ether(a, b, c)`: every field in order. */
  private checkHeaderConstructor(callee: SyntaxNode, protocol: HeaderProtocol, args: Arguments): void {
    const fields = HEADER_FIELD_NAMES[protocol];
    for (const keyword of args.keywords) {
      if (fields.includes(keyword.name)) continue;
      // A flag is read as t.syn but written through the flags field.
      const flag = HEADER_FLAGS[protocol].includes(keyword.name) ? `; ${keyword.name} is a flag: set it with flags=h.flags | ${keyword.name.toUpperCase()}` : '';
      this.report(keyword.nameNode, 'header', `${withArticle(protocol)} header has no field '${keyword.name}'; its fields are ${list(fields)}${flag || headerFieldHint(protocol, keyword.name)}`);
    }
    const base = this.types.typeOf(args.positional[0]);
    const hasBase = args.positional.length === 1 || (base?.kind === 'header' && base.protocol === protocol);
    if (hasBase && args.positional.length > 1) {
      this.report(args.positional[1]!, 'header', `after the base header, ${protocol}(...) takes fields by name (${list(fields)}), e.g. ${protocol}(h, ${fields[0]}=...)`);
    } else if (!hasBase && args.positional.length + args.keywords.length !== fields.length) {
      this.report(callee, 'header', `${protocol}(...) without a base header takes all ${fields.length} fields (${list(fields)}), but is given ${args.positional.length + args.keywords.length}; to change some fields of a popped header h, write ${protocol}(h, ${fields[0]}=...)`);
    }
  }

  private checkPopHeader(call: SyntaxNode, args: Arguments): void {
    const protocol = args.positional[0];
    if (!protocol || protocol.name !== 'VariableName' || !headerProtocolNamed(this.source(protocol))) {
      this.report(protocol ?? call, 'header', `pop_header's first argument is a header protocol: ${list(Object.keys(HEADER_FIELD_NAMES))}`);
    }
    for (const keyword of args.keywords) {
      if (keyword.name !== 'on_mismatch') this.report(keyword.nameNode, 'header', `pop_header has no parameter '${keyword.name}'; it takes (protocol, on_mismatch=...)`);
    }
    if (args.positional.length > 1) this.report(args.positional[1]!, 'header', 'give pop_header its result for a missing header by name: on_mismatch=([], [])');
    else if (!args.keywords.some((k) => k.name === 'on_mismatch')) {
      this.report(call, 'header', "pop_header needs on_mismatch=(ports, headers): what the spec returns when the header is missing, e.g. on_mismatch=([], [])");
    }
  }

  /** `mac("01:80:c2:00:00:00")`, `port(80)`, `in_prefix(x, "10.0.0.0/8")`: arity, and arguments written as constants. */
  private checkAddressFunction(call: SyntaxNode, name: keyof typeof ADDRESS_FUNCTIONS, args: Arguments): void {
    this.checkArity(call, name, ADDRESS_FUNCTIONS[name].parameters, args, 'header');
    this.problems.push(...literalProblems(name, args, this.text));
  }

  private checkStateCall(callee: SyntaxNode, args: Arguments, call: SyntaxNode): void {
    const type = this.types.typeOf(callee.firstChild);
    const method = callee.getChild('PropertyName');
    if (type?.kind !== 'state' || !method) return;
    const signature = STATE_METHODS[type.object.kind]?.[this.source(method)];
    if (signature) this.checkArity(call, `${this.source(callee)}`, signature.parameters, args, 'state');
  }

  private checkArity(call: SyntaxNode, name: string, parameters: readonly string[], args: Arguments, kind: DiagnosticKind): void {
    const given = args.positional.length + args.keywords.length;
    if (given !== parameters.length) this.report(call, kind, `${name} takes ${parameters.length} argument${parameters.length === 1 ? '' : 's'} (${list(parameters)}), but is given ${given}`);
  }

  /** `config["key"]` (Lezer: a MemberExpression with brackets) reads a manifest config value. */
  private checkConfigKey(subscript: SyntaxNode): void {
    if (this.types.typeOf(subscript.firstChild)?.kind !== 'config') return;
    const key = subscript.getChild('String');
    if (!key) return;
    const name = this.source(key).slice(1, -1);
    const declared = [...Object.keys(this.manifest.config), ...Object.keys(this.manifest.tables ?? {})];
    if (!declared.includes(name)) this.report(key, 'config', `${this.manifest.name} has no config value '${name}'; nf.json declares ${list(declared)}`);
  }

  private recordFields(record: string): string[] {
    return (this.manifest.records[record] ?? []).map((f) => f.name);
  }
}
