// Python that parses but that the spec language gives no meaning is rejected with a reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onlyError } from './helpers.ts';

const cases: { text: string; line: number; column: number; message: RegExp }[] = [
  { text: 'x = 1\nwhile x:\n    pass\n', line: 2, column: 1, message: /'while' is not part of the spec language/ },
  { text: 'class A:\n    pass\n', line: 1, column: 1, message: /classes are not part of the spec language/ },
  { text: 'from os import path\n', line: 1, column: 1, message: /only 'from state import \.\.\.'/ },
  { text: 'from state import *\n', line: 1, column: 19, message: /name the state objects/ },
  { text: 'import learn as l\n', line: 1, column: 1, message: /property names only/ },
  { text: 'if now:\n    import learn\n', line: 2, column: 5, message: /only be imported at the top level/ },
  { text: 'if now:\n    return\n', line: 2, column: 5, message: /returns \(ports, headers\)/ },
  { text: 'return ([], [], [])\n', line: 1, column: 8, message: /returns a pair \(ports, headers\)/ },
  { text: 'def spec(packet, config, transmitted_packet):\n    pass\nreturn ([], [])\n', line: 3, column: 1, message: /'return' outside 'def spec'/ },
  { text: 'def spec(packet, config, transmitted_packet):\n    pass\nimport learn\n', line: 3, column: 1, message: /the function dialect has no imports/ },
];

for (const c of cases) {
  test(`unsupported: ${JSON.stringify(c.text)}`, () => {
    const error = onlyError(c.text);
    assert.equal(error.kind, 'unsupported');
    assert.deepEqual([error.line, error.column], [c.line, c.column], error.message);
    assert.match(error.message, c.message);
  });
}

test('unsupported: a Python return inside a helper function is ordinary Python', () => {
  assert.throws(() => onlyError('def helper(x):\n    return x + 1\nassert helper(now) > now\n'), /analysed cleanly/);
});
