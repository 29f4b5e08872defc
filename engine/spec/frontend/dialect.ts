// Which dialect a spec is written in (docs/spec-language.md): a module that defines
// `def spec(packet, config, transmitted_packet)` at the top is the function dialect; anything else is
// the statement dialect, a block of statements run once per packet.
import type { Tree } from '@lezer/common';
import type { Problem } from './problem.ts';
import { textOf, topLevelStatements } from './syntax-tree.ts';
import { SPEC_FUNCTION_PARAMETERS } from './vocabulary.ts';

export type Dialect = 'statement' | 'function';

export function detectDialect(tree: Tree, text: string): { dialect: Dialect; problems: Problem[] } {
  const definition = topLevelStatements(tree).find((s) => s.name === 'FunctionDefinition' && s.getChild('VariableName') && textOf(s.getChild('VariableName')!, text) === 'spec');
  if (!definition) return { dialect: 'statement', problems: [] };
  const parameterList = definition.getChild('ParamList');
  const parameters = parameterList ? parameterList.getChildren('VariableName').map((p) => textOf(p, text)) : [];
  const expected = SPEC_FUNCTION_PARAMETERS.join(', ');
  const problems: Problem[] =
    parameters.join(', ') === expected && parameterList!.getChildren('AssignOp').length === 0
      ? []
      : [{ offset: parameterList?.from ?? definition.from, kind: 'dialect', message: `'def spec' takes exactly (${expected}) in the function dialect, not (${parameterList ? textOf(parameterList, text).slice(1, -1) : ''}); rename the function if it is a helper` }];
  return { dialect: 'function', problems };
}
