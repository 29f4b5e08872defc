// What the names of a spec stand for, as far as the text shows it: a header of some protocol, a
// record of the manifest, a state object, the function dialect's packet views. A name gets a type
// only when every binding of it agrees (flow-insensitive and conservative: no type, no check).
import type { SyntaxNode, Tree } from '@lezer/common';
import type { Manifest, StateObject } from '../../../nf-abi/index.ts';
import type { Dialect } from './dialect.ts';
import { nodesNamed, readArguments, textOf } from './syntax-tree.ts';
import { type HeaderProtocol, headerProtocolNamed, recordConstructorName } from './vocabulary.ts';

export type SpecType =
  | { kind: 'header'; protocol: HeaderProtocol }
  | { kind: 'record'; record: string }
  | { kind: 'state'; object: StateObject }
  | { kind: 'packet' }
  | { kind: 'transmitted_packet' }
  | { kind: 'config' };

export class TypeEnvironment {
  /** `null`: the name is bound in ways that disagree or that the text does not type. */
  private readonly names = new Map<string, SpecType | null>();
  private readonly recordsByConstructor = new Map<string, string>();

  constructor(
    private readonly tree: Tree,
    private readonly text: string,
    readonly manifest: Manifest,
    private readonly dialect: Dialect,
  ) {
    for (const record of Object.keys(manifest.records)) this.recordsByConstructor.set(recordConstructorName(record), record);
    if (dialect === 'function') {
      this.bind('packet', { kind: 'packet' });
      this.bind('transmitted_packet', { kind: 'transmitted_packet' });
      this.bind('config', { kind: 'config' });
    }
    this.collectBindings(dialect);
  }

  /** Whether the spec binds this name itself (so a built-in of the same name is shadowed). */
  isBound(name: string): boolean {
    return this.names.has(name);
  }

  /** Every name the spec binds (assignments, imports, parameters, loop variables). */
  boundNames(): string[] {
    return [...this.names.keys()];
  }

  typeOfName(name: string): SpecType | undefined {
    if (this.names.has(name)) return this.names.get(name) ?? undefined;
    // In the statement dialect a state object is there without `from state import` (it is then not compared).
    const object = this.dialect === 'statement' ? this.manifest.state.find((s) => s.name === name) : undefined;
    return object && { kind: 'state', object };
  }

  /** The record type a constructor name builds (`StaticKeyc` -> `StaticKey`), unless shadowed. */
  recordOfConstructor(name: string): string | undefined {
    return this.isBound(name) ? undefined : this.recordsByConstructor.get(name);
  }

  typeOf(expression: SyntaxNode | null | undefined): SpecType | undefined {
    if (!expression) return undefined;
    switch (expression.name) {
      case 'VariableName':
        return this.typeOfName(textOf(expression, this.text));
      case 'ParenthesizedExpression':
        return this.typeOf(expression.getChild('Expression'));
      case 'MemberExpression': {
        const object = this.typeOf(expression.firstChild);
        const property = expression.getChild('PropertyName');
        const name = property ? textOf(property, this.text) : '';
        if ((object?.kind === 'packet' || object?.kind === 'transmitted_packet') && headerProtocolNamed(name) === name) return { kind: 'header', protocol: name };
        return undefined;
      }
      case 'CallExpression':
        return this.typeOfCall(expression);
      default:
        return undefined;
    }
  }

  private typeOfCall(call: SyntaxNode): SpecType | undefined {
    const callee = call.firstChild!;
    const argList = call.getChild('ArgList');
    const args = argList ? readArguments(argList, this.text) : { positional: [], keywords: [], spread: false };
    if (callee.name === 'VariableName') {
      const name = textOf(callee, this.text);
      if (this.isBound(name)) return undefined;
      const protocol = headerProtocolNamed(name);
      if (protocol) return { kind: 'header', protocol };
      const record = this.recordOfConstructor(name);
      if (record) return { kind: 'record', record };
      const first = args.positional[0];
      const popped = name === 'pop_header' && first?.name === 'VariableName' ? headerProtocolNamed(textOf(first, this.text)) : undefined;
      if (popped) return { kind: 'header', protocol: popped };
      if (name === 'vector_get') return this.elementOf(this.typeOf(first));
      return undefined;
    }
    if (callee.name === 'MemberExpression' && textOf(callee.getChild('PropertyName') ?? callee, this.text) === 'get') {
      return this.elementOf(this.typeOf(callee.firstChild));
    }
    return undefined;
  }

  /** The element record of a vector state object. */
  private elementOf(vector: SpecType | undefined): SpecType | undefined {
    if (vector?.kind !== 'state' || vector.object.kind !== 'vector' || !vector.object.record) return undefined;
    return { kind: 'record', record: vector.object.record };
  }

  private bind(name: string, type: SpecType | undefined): void {
    if (!this.names.has(name)) this.names.set(name, type ?? null);
    else if (!sameType(this.names.get(name) ?? undefined, type)) this.names.set(name, null);
  }

  private collectBindings(dialect: Dialect): void {
    const text = this.text;
    for (const statement of nodesNamed(this.tree, 'ImportStatement')) {
      if (statement.firstChild?.name !== 'from' || dialect !== 'statement') continue;
      for (const name of statement.getChildren('VariableName').slice(1)) {
        const object = this.manifest.state.find((s) => s.name === textOf(name, text));
        this.bind(textOf(name, text), object && { kind: 'state', object });
      }
    }
    // In document order, so that `h2 = h1` sees the type of h1.
    for (const node of nodesNamed(this.tree, 'AssignStatement', 'UpdateStatement', 'ParamList', 'ForStatement', 'ComprehensionExpression', 'ArrayComprehensionExpression', 'SetComprehensionExpression', 'DictionaryComprehensionExpression', 'NamedExpression', 'WithStatement', 'TryStatement', 'FunctionDefinition')) {
      // The parameters of the function dialect's `def spec` are typed above.
      if (dialect === 'function' && node.name === 'ParamList' && node.parent?.parent?.name === 'Script' && textOf(node.parent.getChild('VariableName')!, text) === 'spec') continue;
      for (const { name, value } of bindingsOf(node, text)) this.bind(name, value ? this.typeOf(value) : undefined);
    }
  }
}

/** The names a node binds, each with the expression bound when that is a plain `name = value`. */
function bindingsOf(node: SyntaxNode, text: string): { name: string; value: SyntaxNode | undefined }[] {
  const names = (nodes: SyntaxNode[]) => nodes.map((n) => ({ name: textOf(n, text), value: undefined }));
  const targetsBefore = (stop: string) => {
    const targets: SyntaxNode[] = [];
    for (let child = node.firstChild; child && child.name !== stop; child = child.nextSibling) targets.push(...variablesIn(child));
    return targets;
  };
  switch (node.name) {
    case 'AssignStatement': {
      const children: SyntaxNode[] = [];
      for (let child = node.firstChild; child; child = child.nextSibling) children.push(child);
      if (children.length === 3 && children[0]!.name === 'VariableName' && children[1]!.name === 'AssignOp') return [{ name: textOf(children[0]!, text), value: children[2] }];
      const lastAssign = children.map((c) => c.name).lastIndexOf('AssignOp');
      return names(children.slice(0, lastAssign).flatMap(variablesIn));
    }
    case 'UpdateStatement':
    case 'NamedExpression':
      return names(node.firstChild?.name === 'VariableName' ? [node.firstChild] : []);
    case 'ParamList':
      return names(node.getChildren('VariableName'));
    case 'FunctionDefinition':
      return names(node.getChildren('VariableName'));
    case 'ForStatement':
      return names(targetsBefore('in'));
    case 'WithStatement':
    case 'TryStatement':
      return names(node.getChildren('as').flatMap((as) => (as.nextSibling?.name === 'VariableName' ? [as.nextSibling] : [])));
    default: {
      // Comprehensions: the names between each `for` and its `in`.
      const bound: SyntaxNode[] = [];
      for (const keyword of node.getChildren('for')) {
        for (let child = keyword.nextSibling; child && child.name !== 'in'; child = child.nextSibling) bound.push(...variablesIn(child));
      }
      return names(bound);
    }
  }
}

/** The variable names of an assignment target (`a`, `a, b`, `(a, [b, c])`); not `x.f` or `x[i]`. */
function variablesIn(target: SyntaxNode): SyntaxNode[] {
  if (target.name === 'VariableName') return [target];
  if (target.name === 'TupleExpression' || target.name === 'ArrayExpression' || target.name === 'ParenthesizedExpression') {
    return target.getChildren('Expression').flatMap(variablesIn);
  }
  return [];
}

function sameType(a: SpecType | undefined, b: SpecType | undefined): boolean {
  return a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b);
}
