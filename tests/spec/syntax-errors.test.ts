// Syntax errors are reported before anything runs, at the right line and column, saying what was expected.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_BRACKET_DEPTH, MAX_EXPRESSION_DEPTH } from '../../engine/spec/frontend/nesting.ts';
import { analyze, onlyError } from './helpers.ts';

const cases: { name: string; text: string; line: number; column: number; message: RegExp }[] = [
  { name: 'missing expression after =', text: 'from state import dyn_emap\nx = 1\nlimit = \n', line: 3, column: 9, message: /expected an expression after '='/ },
  { name: 'missing operand of a comparison', text: 'if now == :\n    pass\n', line: 1, column: 11, message: /expected an expression after '=='/ },
  { name: 'unclosed call', text: 'h = pop_header(ether, on_mismatch=([], [])\nx = 1\n', line: 1, column: 15, message: /'\(' is never closed: add '\)'/ },
  { name: 'mismatched bracket', text: 'return ([1], [ether(h])\n', line: 1, column: 22, message: /'\]' does not match '\(' at line 1, column 20/ },
  { name: 'unmatched closing bracket', text: 'x = 1)\n', line: 1, column: 6, message: /unmatched '\)'/ },
  { name: 'missing colon', text: 'if now > 5\n    pass\n', line: 1, column: 11, message: /expected ':' at the end of the 'if' line/ },
  { name: 'missing colon after else', text: 'if now > 5:\n    pass\nelse\n    pass\n', line: 3, column: 5, message: /expected ':' after 'else'/ },
  { name: 'missing indented block', text: 'if now > 5:\npass\n', line: 2, column: 1, message: /expected an indented block after the 'if' on line 1/ },
  { name: 'unexpected indentation', text: 'x = 1\n    y = 2\n', line: 2, column: 5, message: /unexpected indentation/ },
  { name: 'dedent to no enclosing block', text: 'if now:\n    x = 1\n  y = 2\n', line: 3, column: 3, message: /dedented to column 3, which matches no enclosing block/ },
  { name: 'two statements on a line', text: 'x = 1 2\n', line: 1, column: 7, message: /unexpected '2': one statement per line/ },
  { name: 'missing comma between arguments', text: 'x = [1 2]\n', line: 1, column: 8, message: /expected ',' or '\]' before '2'/ },
  { name: 'dangling dot', text: 'x = now.\n', line: 1, column: 9, message: /expected a name after '.'/ },
  { name: 'unterminated string', text: "x = 'abc\n", line: 1, column: 5, message: /string is never closed/ },
  { name: 'stray else', text: 'else:\n    pass\n', line: 1, column: 1, message: /'else' must follow its block/ },
  { name: 'import without a name', text: 'from state import\n', line: 1, column: 18, message: /expected a name after 'import'/ },
  { name: 'a NUL byte', text: 'x = 1\ny = 2\0\n', line: 2, column: 6, message: /a NUL byte: Python source cannot contain one/ },
  { name: 'a line continuation ending the file', text: 'x = 1\ny = 2 \\\n', line: 2, column: 7, message: /a line continuation \(\\\) ends the file/ },
  { name: 'a line continuation ending a file without a final newline', text: 'y = 2 \\', line: 1, column: 7, message: /a line continuation \(\\\) ends the file/ },
];

for (const c of cases) {
  test(`syntax: ${c.name}`, () => {
    const error = onlyError(c.text);
    assert.equal(error.kind, 'syntax');
    assert.deepEqual([error.file, error.line, error.column], ['test.py', c.line, c.column], error.message);
    assert.match(error.message, c.message);
  });
}

test('syntax: an error in an imported property points into that property', () => {
  const error = onlyError('x = 1\nimport broken\n', { cells: { broken: 'y = 2\nz = (y +\n' } });
  assert.deepEqual([error.file, error.line, error.column], ['cell broken', 2, 5]);
  assert.match(error.message, /'\(' is never closed/);
  assert.deepEqual(error.importedFrom, [{ file: 'test.py', line: 2, column: 1 }]);
});

test('a byte-order mark (which Python allows) is no part of the spec: columns of line 1 as an editor shows them', () => {
  const error = onlyError('\uFEFFx = (1 +\n');
  assert.deepEqual([error.line, error.column], [1, 5]);
  assert.match(error.message, /'\(' is never closed/);
  const imported = onlyError('import marked\n', { cells: { marked: '\uFEFFy = [2\n' } });
  assert.deepEqual([imported.file, imported.line, imported.column], ['cell marked', 1, 5]);
  assert.ok(analyze('\uFEFFif received_on_port == 0:\n    return ([], [])\n').ok, 'a spec with a byte-order mark is valid');
});

test('syntax: a backslash at the end of a comment is no line continuation', () => {
  const result = analyze('x = 1  # a path: C:\\\n');
  assert.ok(result.ok, result.ok ? '' : result.errors.map((e) => e.message).join('\n'));
});

test('syntax: chains of hundreds of operators are Python, each one expression', () => {
  const sum = `x = ${Array(400).fill('now').join(' + ')}\nassert x >= 0\n`;
  const alternatives = `assert ${Array.from({ length: 1000 }, (_, i) => `now == ${i}`).join(' or ')}\n`;
  for (const text of [sum, alternatives]) {
    const result = analyze(text);
    assert.ok(result.ok, result.ok ? '' : result.errors.map((e) => `${e.line}:${e.column}: ${e.message}`).join('\n'));
  }
});

test('an expression nested deeper than the spec\'s Python compiles is refused at its start, saying what to do', () => {
  for (const terms of [MAX_EXPRESSION_DEPTH + 2, 20_000]) {
    const error = onlyError(`x = 1\ny = ${Array(terms).fill('now').join(' + ')}\n`);
    assert.deepEqual([error.kind, error.line, error.column], ['unsupported', 2, 5], error.message);
    assert.match(error.message, new RegExp(`^this expression nests more than ${MAX_EXPRESSION_DEPTH} operations inside each other, .*: split it into several assignments`));
  }
  // Both operands too deep: one error for the expression, not one for each.
  const chain = Array(MAX_EXPRESSION_DEPTH + 2).fill('now').join(' + ');
  assert.equal(onlyError(`y = (${chain}) * (${chain})\n`).column, 5);
});

test('brackets nested deeper than the spec\'s Python reads are refused at the first one too deep, saying what to do', () => {
  const nested = (depth: number) => `${'('.repeat(depth)}1${')'.repeat(depth)}`;
  assert.ok(analyze(`x = ${nested(MAX_BRACKET_DEPTH)}\n`).ok, 'as deep as allowed');
  for (const depth of [MAX_BRACKET_DEPTH + 1, 5_000]) {
    const error = onlyError(`x = 1\ny = [${nested(depth - 1)}]\n`);
    assert.deepEqual([error.kind, error.line, error.column], ['unsupported', 2, 5 + MAX_BRACKET_DEPTH], error.message);
    assert.match(error.message, new RegExp(`^brackets nest more than ${MAX_BRACKET_DEPTH} deep here, .*: name the inner parts`));
  }
  // Two separate runs too deep: each is reported once, not once a bracket.
  const twice = `a = ${nested(MAX_BRACKET_DEPTH + 3)}\nb = ${nested(MAX_BRACKET_DEPTH + 3)}\n`;
  const result = analyze(twice);
  assert.ok(!result.ok);
  assert.deepEqual(result.errors.map((e) => [e.line, e.column]), [[1, 5 + MAX_BRACKET_DEPTH], [2, 5 + MAX_BRACKET_DEPTH]]);
});
