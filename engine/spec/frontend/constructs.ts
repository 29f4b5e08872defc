// Python that parses but that the spec language gives no meaning (a spec is re-executed once per
// symbolic decision, so it must be a plain, terminating computation over the packet and state).
import type { SyntaxNode, Tree } from '@lezer/common';
import type { Dialect } from './dialect.ts';
import type { Problem } from './problem.ts';
import { insideFunction, textOf } from './syntax-tree.ts';

const ALWAYS_UNSUPPORTED: Record<string, string> = {
  ClassDefinition: 'classes are not part of the spec language; use functions and the record constructors',
  AwaitExpression: "'await' is not part of the spec language: specs are not asynchronous",
  YieldStatement: "'yield' is not part of the spec language: a spec returns its outcome",
  YieldExpression: "'yield' is not part of the spec language: a spec returns its outcome",
  ScopeStatement: "'global' and 'nonlocal' are not part of the spec language: pass values as arguments",
  TryStatement: "'try' is not part of the spec language: a failing spec is a verdict, not an exception",
  WithStatement: "'with' is not part of the spec language",
  WhileStatement: "'while' is not part of the spec language: a loop on symbolic values need not end; use 'for' over a fixed range",
  RaiseStatement: "'raise' is not part of the spec language: use 'assert' to state what must hold",
  DeleteStatement: "'del' is not part of the spec language: use the state API (e.g. erase) to remove entries",
  PrintStatement: "this is Python 2's print statement: specs are Python 3",
  DecoratedStatement: 'decorators are not part of the spec language',
  MatchStatement: "'match' is not part of the spec language: use 'if' / 'elif'",
};

export function findUnsupportedConstructs(tree: Tree, text: string, dialect: Dialect): Problem[] {
  const problems: Problem[] = [];
  const unsupported = (node: SyntaxNode, message: string) => problems.push({ offset: node.from, kind: 'unsupported', message });
  tree.iterate({
    enter: (ref) => {
      const node = ref.node;
      const always = ALWAYS_UNSUPPORTED[ref.name];
      if (always) unsupported(node, always);
      else if (ref.name === 'async') unsupported(node, "'async' is not part of the spec language: specs are not asynchronous");
      else if (ref.name === 'ImportStatement') checkImport(node, text, dialect, unsupported);
      else if (ref.name === 'ReturnStatement' && !insideFunction(node)) checkTopLevelReturn(node, dialect, unsupported);
    },
  });
  return problems;
}

function checkImport(statement: SyntaxNode, text: string, dialect: Dialect, unsupported: (node: SyntaxNode, message: string) => void): void {
  const isFrom = statement.firstChild?.name === 'from';
  if (dialect === 'function') {
    unsupported(statement, 'the function dialect has no imports: state is reached with Map(...), ExpiringSet(...) and Cell(...), properties are not included');
    return;
  }
  if (isFrom) {
    const module = statement.getChild('VariableName');
    const moduleName = module && module.from < statement.getChild('import')!.from ? textOf(module, text) : '';
    if (moduleName !== 'state') unsupported(statement, `only 'from state import ...' is part of the spec language ('${textOf(statement, text)}' is not)`);
    else if (statement.getChild('*')) unsupported(statement.getChild('*')!, "name the state objects the spec compares: 'from state import *' would compare all of them");
    return;
  }
  if (statement.getChild('as') || statement.getChild('.')) {
    unsupported(statement, "'import' takes property names only ('import learn'), without dots or 'as'");
  } else if (statement.parent?.name !== 'Script') {
    unsupported(statement, "a property can only be imported at the top level of a spec (column 1), not inside a block");
  }
}

function checkTopLevelReturn(statement: SyntaxNode, dialect: Dialect, unsupported: (node: SyntaxNode, message: string) => void): void {
  if (dialect === 'function') {
    unsupported(statement, "'return' outside 'def spec': the function dialect's top level only defines constants and functions");
    return;
  }
  const value = statement.lastChild;
  if (!value || value.name === 'return') {
    unsupported(statement, "a statement-dialect spec returns (ports, headers): write 'return ([], [])' for a dropped packet, or 'pass' to claim nothing");
  } else if (value.name === 'TupleExpression' && value.getChildren('Expression').length !== 2) {
    unsupported(value, 'a statement-dialect spec returns a pair (ports, headers), e.g. ([1], [ether(h)])');
  }
}
