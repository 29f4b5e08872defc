// Small readers over Lezer's Python tree, shared by the checks.
import type { SyntaxNode, Tree } from '@lezer/common';

export function textOf(node: SyntaxNode, text: string): string {
  return text.slice(node.from, node.to);
}

export function topLevelStatements(tree: Tree): SyntaxNode[] {
  return tree.topNode.getChildren('Statement');
}

/** Every node of the given type names, in document order. */
export function nodesNamed(tree: Tree, ...names: string[]): SyntaxNode[] {
  const wanted = new Set(names);
  const found: SyntaxNode[] = [];
  tree.iterate({ enter: (ref) => void (wanted.has(ref.name) && found.push(ref.node)) });
  return found;
}

/** Whether a node sits inside a function definition (and so a `return` there is a Python return). */
export function insideFunction(node: SyntaxNode): boolean {
  for (let ancestor = node.parent; ancestor; ancestor = ancestor.parent) if (ancestor.name === 'FunctionDefinition') return true;
  return false;
}

export interface Arguments {
  positional: SyntaxNode[];
  keywords: { name: string; nameNode: SyntaxNode; value: SyntaxNode | undefined }[];
  /** `*args` or `**kwargs`: the count of arguments is not known statically. */
  spread: boolean;
}

/** The arguments of a call's ArgList. */
export function readArguments(argList: SyntaxNode, text: string): Arguments {
  const result: Arguments = { positional: [], keywords: [], spread: false };
  for (let child = argList.firstChild; child; child = child.nextSibling) {
    const token = textOf(child, text);
    if (child.name === '(' || child.name === ')' || child.name === ',' || child.type.isError) continue;
    if (token === '*' || token === '**') result.spread = true;
    else if (child.name === 'VariableName' && child.nextSibling?.name === 'AssignOp') {
      const value = child.nextSibling.nextSibling ?? undefined;
      result.keywords.push({ name: token, nameNode: child, value });
      child = value ?? child.nextSibling;
    } else result.positional.push(child);
  }
  return result;
}
