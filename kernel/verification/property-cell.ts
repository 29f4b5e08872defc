// A property cell (`%%property NAME` or a first line `# property: NAME`) seen from completion and inspection: its
// spec text keeps the cell's offsets (the magic line becomes spaces), so cursor positions need no mapping.
import { type MagicInvocation, planCell } from '../session/magics.ts';

function propertyText(code: string, invocation: MagicInvocation): string {
  const lines = code.split('\n');
  const bodyStart = invocation.firstLine - 1;
  return lines.map((line, index) => (index < bodyStart ? ' '.repeat(line.length) : line)).join('\n');
}

/** The property a cell defines, if it is a property cell. */
export function propertyCell(code: string): { name: string; text: string } | undefined {
  const plan = planCell(code);
  if (plan.kind !== 'cell-magic' || plan.name !== 'property') return undefined;
  return { name: plan.invocation.args.split(/\s+/)[0] ?? '', text: propertyText(code, plan.invocation) };
}
