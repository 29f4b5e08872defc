import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CURRENT_SESSION, History } from '../../kernel/session/history.ts';

function historyOf(inputs: string[]): History {
  const history = new History();
  inputs.forEach((input, index) => history.record({ line: index + 1, input, output: input === '6*7' ? '42' : null }));
  return history;
}

test('tail returns the last n entries, with outputs when asked', () => {
  const history = historyOf(['a = 1', '6*7', 'print(a)']);
  assert.deepEqual(history.query({ kind: 'tail', n: 2 }, false), [
    [CURRENT_SESSION, 2, '6*7'],
    [CURRENT_SESSION, 3, 'print(a)'],
  ]);
  assert.deepEqual(history.query({ kind: 'tail', n: 1 }, true), [[CURRENT_SESSION, 3, ['print(a)', null]]]);
  assert.deepEqual(history.query({ kind: 'tail', n: 0 }, false), []);
});

test('range is start-inclusive, stop-exclusive, and accepts 0 for the current session', () => {
  const history = historyOf(['a', 'b', 'c', 'd']);
  assert.deepEqual(history.query({ kind: 'range', session: CURRENT_SESSION, start: 2, stop: 4 }, false).map((row) => row[1]), [2, 3]);
  assert.deepEqual(history.query({ kind: 'range', session: 0, start: 3, stop: null }, false).map((row) => row[1]), [3, 4]);
  assert.deepEqual(history.query({ kind: 'range', session: 7, start: 1, stop: null }, false), []);
});

test('search is a glob over the whole input; unique keeps the latest of repeats; n keeps the last matches', () => {
  const history = historyOf(['6*7', 'x = 6', '6*7', '6 + 7', 'y = 7']);
  assert.deepEqual(history.query({ kind: 'search', pattern: '6*7', n: null, unique: false }, false).map((row) => row[1]), [1, 3, 4]);
  assert.deepEqual(history.query({ kind: 'search', pattern: '6*7', n: null, unique: true }, false).map((row) => row[1]), [3, 4]);
  assert.deepEqual(history.query({ kind: 'search', pattern: '?*7', n: 2, unique: false }, false).map((row) => row[1]), [4, 5]);
  assert.deepEqual(history.query({ kind: 'search', pattern: 'x*', n: null, unique: false }, true), [[CURRENT_SESSION, 2, ['x = 6', null]]]);
});

test('glob special characters other than * and ? match literally', () => {
  const history = historyOf(['a.b', 'axb', '(1)']);
  assert.deepEqual(history.query({ kind: 'search', pattern: 'a.b', n: null, unique: false }, false).map((row) => row[2]), ['a.b']);
  assert.deepEqual(history.query({ kind: 'search', pattern: '(1)', n: null, unique: false }, false).map((row) => row[2]), ['(1)']);
});
