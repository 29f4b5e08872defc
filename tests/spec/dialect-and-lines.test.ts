// Dialect detection and spec line counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, onlyError } from './helpers.ts';

test('dialect: a module defining def spec(packet, config, transmitted_packet) is the function dialect', () => {
  const result = analyze('LIMIT = 3\n\ndef spec(packet, config, transmitted_packet):\n    assert packet.length > LIMIT\n');
  assert.ok(result.ok);
  assert.equal(result.spec.dialect, 'function');
});

test('dialect: anything else is the statement dialect, with top-level return', () => {
  const result = analyze('def helper(x):\n    return x\nreturn ([helper(1)], [])\n');
  assert.ok(result.ok);
  assert.equal(result.spec.dialect, 'statement');
});

test('dialect: def spec with other parameters is an error at its parameters', () => {
  const error = onlyError('def spec(packet, config):\n    pass\n');
  assert.equal(error.kind, 'dialect');
  assert.deepEqual([error.line, error.column], [1, 9]);
  assert.match(error.message, /takes exactly \(packet, config, transmitted_packet\)/);
});

test('lines: blank lines and comments do not count; a # inside a string is not a comment', () => {
  const text = ['# a comment', '', 'x = "# not a comment"', '   # indented comment', 'if x:  # trailing comment', '    pass', '', ''].join('\n');
  const result = analyze(text);
  assert.ok(result.ok);
  assert.equal(result.spec.lines.own, 3);
  assert.equal(result.spec.lines.withImports, 3);
});

test('lines: withImports adds the lines of each imported property once', () => {
  const cells = { two: 'x = 1\n# comment\ny = 2\n', three: 'import two\nz = 3\n' };
  const result = analyze('import three\nimport two\nw = x + y + z\n', { cells });
  assert.ok(result.ok);
  assert.deepEqual(result.spec.lines, { own: 3, withImports: 3 + 2 + 2 });
});

test('claims: a spec claims something with a top-level return, a pop_header, an assert or a compared state object; the function dialect with an assert', () => {
  const claims = (text: string, cells: Record<string, string> = {}) => {
    const result = analyze(text, { cells });
    assert.ok(result.ok, text);
    return result.spec.claims;
  };
  assert.equal(claims(''), false);
  assert.equal(claims('# only a comment\nx = now\nif x > 3:\n    pass\n'), false);
  assert.equal(claims('def helper(x):\n    return x\ny = helper(now)\n'), false, "a helper function's return is Python's");
  assert.equal(claims('return ([], [])\n'), true);
  assert.equal(claims('h = pop_header(ether, on_mismatch=([], []))\n'), true, 'a frame without the header claims a drop');
  assert.equal(claims('assert now >= 0\n'), true);
  assert.equal(claims('from state import dyn_emap\n'), true, 'the imported object is compared');
  assert.equal(claims('import checks\n', { checks: 'assert now >= 0\n' }), true, 'through an imported property');
  assert.equal(claims('def spec(packet, config, transmitted_packet):\n    return True\n'), false, 'a function-dialect return is no claim');
  assert.equal(claims('def spec(packet, config, transmitted_packet):\n    assert transmitted_packet is None\n'), true);
});
