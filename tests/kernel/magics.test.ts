import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NotebookEvaluation } from '../../kernel/evaluation-magic/evaluation-magics.ts';
import { History } from '../../kernel/session/history.ts';
import { MagicAssistance } from '../../kernel/session/magic-assistance.ts';
import { magicCommand } from '../../kernel/session/magic-failures.ts';
import { MagicRegistry, planCell, type Magic } from '../../kernel/session/magics.ts';
import type { CellOutcome } from '../../kernel/session/output.ts';
import { historyMagic, lsmagicMagic } from '../../kernel/session/session-magics.ts';
import { RecordingSink } from './recording-sink.ts';

function magic(name: string, kind: 'line' | 'cell'): Magic {
  return { name, kind, summary: `${name} does things`, run: async () => ({ status: 'ok' }) };
}

test('a %% first line makes the whole cell that magic; body and its first line are given', () => {
  const plan = planCell('\n%%ts --strict\nconst a = 1;\nconsole.log(a)');
  assert.equal(plan.kind, 'cell-magic');
  assert.ok(plan.kind === 'cell-magic');
  assert.equal(plan.name, 'ts');
  assert.deepEqual(plan.invocation, { args: '--strict', body: 'const a = 1;\nconsole.log(a)', firstLine: 3 });
});

test('leading % lines are line magics; the Python after them keeps its cell line numbers', () => {
  const plan = planCell('# select the NF\n%nf bridge --layers nf\n%verify\nx = 1\ny = x');
  assert.ok(plan.kind === 'python');
  assert.deepEqual(plan.lineMagics.map((m) => [m.name, m.invocation.args, m.invocation.firstLine]), [
    ['nf', 'bridge --layers nf', 2],
    ['verify', '', 3],
  ]);
  assert.equal(plan.python.split('\n')[3], 'x = 1');
  assert.equal(plan.python.split('\n').length, 5);
  assert.equal(plan.python.includes('%'), false);
});

test('a first line "# property: NAME" makes the cell a property cell whose body is the whole cell', () => {
  const code = '# property: no_loop\nassert not mem(received_on_port, sent_on_ports)';
  assert.deepEqual(planCell(code), { kind: 'cell-magic', name: 'property', invocation: { args: 'no_loop', body: code, firstLine: 1 } });
  assert.equal(planCell('# a comment about property: x\ny = 1').kind, 'python', 'only the exact form, on the first line');
});

test('a plain Python cell is left untouched, including a % operator inside it', () => {
  const code = 'a = 7\nb = a % 3\nb';
  assert.deepEqual(planCell(code), { kind: 'python', lineMagics: [], python: code });
});

test('an unknown magic is an error naming the magic, its line and every known magic', () => {
  const registry = new MagicRegistry();
  registry.register(magic('ts', 'cell'));
  registry.register(magic('nf', 'line'));
  const outcome = registry.unknownMagic('line', 'verfy', 2);
  assert.ok(outcome.status === 'error');
  assert.equal(outcome.error.ename, 'UsageError');
  assert.match(outcome.error.evalue, /%verfy \(line 2\) is not a magic.*known magics: %%ts, %nf/);
});

test('line and cell magics of one name are distinct, and registering one twice is refused', () => {
  const registry = new MagicRegistry();
  registry.register(magic('time', 'line'));
  registry.register(magic('time', 'cell'));
  assert.equal(registry.find('line', 'time')?.kind, 'line');
  assert.equal(registry.find('cell', 'time')?.kind, 'cell');
  assert.equal(registry.find('line', 'ts'), undefined);
  assert.throws(() => registry.register(magic('time', 'cell')), /%%time is registered twice/);
});

test('magic names complete after % and %%, and inspecting one shows its summary', async () => {
  const registry = new MagicRegistry();
  registry.register(magic('ts', 'cell'));
  registry.register(magic('nf', 'line'));
  registry.register(magic('verify', 'line'));
  const assistance = new MagicAssistance(registry);
  assert.deepEqual(await assistance.complete('%%t', 3), { matches: ['%%ts'], cursorStart: 0, cursorEnd: 3 });
  assert.deepEqual((await assistance.complete('x = 1\n%', 7))?.matches, ['%nf', '%verify']);
  assert.equal(await assistance.complete('x = 1', 5), undefined);
  assert.deepEqual(await assistance.inspect('%nf bridge', 2), { 'text/plain': '%nf: nf does things' });
  assert.equal(await assistance.inspect('%nf bridge', 8), undefined, 'the cursor is in the arguments, not on the name');
});

test('a magic\'s arguments complete from the Command it declares: options, an option\'s values, its words', async () => {
  const registry = new MagicRegistry();
  const command = () => {
    const made = magicCommand('%pick', '%pick red').argument('[COLOUR...]').option('--shade <SHADE>', 'how dark').option('--loud', 'say it');
    made.options[0]!.argChoices = ['dark', 'light'];
    return made;
  };
  registry.register({ ...magic('pick', 'line'), arguments: { command, candidates: () => ['red', 'green', 'grey'] } });
  registry.register({ ...magic('paint', 'cell'), arguments: { command } });
  registry.register(magic('bare', 'line'));
  const assistance = new MagicAssistance(registry);
  assert.deepEqual(await assistance.complete('%pick gr', 8), { matches: ['green', 'grey'], cursorStart: 6, cursorEnd: 8 });
  assert.deepEqual((await assistance.complete('%pick red --', 12))?.matches, ['--shade', '--loud']);
  assert.deepEqual((await assistance.complete('%pick --shade l', 15))?.matches, ['light']);
  assert.deepEqual((await assistance.complete('%pick --loud g', 14))?.matches, ['green', 'grey'], 'a flag takes no value');
  assert.deepEqual((await assistance.complete('%%paint --sh', 12))?.matches, ['--shade']);
  assert.equal(await assistance.complete('x = 1\n%%paint --sh', 18), undefined, 'a cell magic only on the first line');
  assert.deepEqual(await assistance.complete('%bare an', 8), { matches: [], cursorStart: 6, cursorEnd: 8 }, 'no arguments declared: nothing, and no Python names');
});

/** Runs a line magic with `args`; the outcome and what it printed. */
async function runLine(magic: Magic, args: string): Promise<{ outcome: CellOutcome; stdout: string }> {
  const sink = new RecordingSink();
  const outcome = await magic.run({ args, body: '', firstLine: 1 }, { sink, executionCount: 1, signal: new AbortController().signal });
  return { outcome, stdout: sink.streams.map((stream) => stream.text).join('') };
}

const usageError = (outcome: CellOutcome) => (outcome.status === 'error' && outcome.error.ename === 'UsageError' ? outcome.error.evalue : `not a UsageError: ${JSON.stringify(outcome)}`);

test('a missing or extra argument says what the magic takes, in the words of its other mistakes', async () => {
  const evaluate = new NotebookEvaluation().magics()[0]!;
  assert.equal(usageError((await runLine(evaluate, '')).outcome), '%evaluate needs WHAT (nfs, verify, bugs), e.g. %evaluate verify nat');
  assert.equal(usageError((await runLine(lsmagicMagic(new MagicRegistry()), 'extra')).outcome), '%lsmagic takes no arguments, not "extra" (e.g. %lsmagic)');
  const pair = () => magicCommand('%pair', '%pair a b').argument('<FIRST>').argument('[SECOND]');
  assert.throws(() => pair().parse(['a', 'b', 'c', 'd'], { from: 'user' }), { message: '%pair takes 2 arguments (FIRST SECOND), not "c" "d" (e.g. %pair a b)' });
});

test('%history says when a range is reversed or selects nothing, instead of printing nothing', async () => {
  const history = new History();
  const magic = historyMagic(history);
  assert.equal((await runLine(magic, '1')).stdout, '%history: no input is stored yet\n');
  for (const line of [1, 2, 3]) history.record({ line, input: `x = ${line}`, output: null });
  assert.equal(usageError((await runLine(magic, '3-2')).outcome), '%history 3-2 is reversed: write 2-3 (N-M is from N to M, M included)');
  assert.equal((await runLine(magic, '5-7')).stdout, '%history: no input in 5-7: the stored ones are 1-3\n');
  assert.equal((await runLine(magic, '-g nothing')).stdout, '%history: no input contains "nothing"\n');
  assert.equal((await runLine(magic, '2-3')).stdout, 'x = 2\nx = 3\n');
});
