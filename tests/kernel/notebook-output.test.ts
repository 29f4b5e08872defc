import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportHtml } from '../../kernel/notebook/html-export.ts';
import type { Notebook, NotebookOutput } from '../../kernel/notebook/notebook-format.ts';
import { NotebookSink } from '../../kernel/notebook/notebook-sink.ts';

test('consecutive writes to one stream become one output; another stream starts a new one', () => {
  const sink = new NotebookSink(new Map());
  sink.stream('stdout', 'a');
  sink.stream('stdout', 'b\n');
  sink.stream('stderr', 'oops\n');
  sink.stream('stdout', 'c\n');
  assert.deepEqual(sink.outputs, [
    { output_type: 'stream', name: 'stdout', text: 'ab\n' },
    { output_type: 'stream', name: 'stderr', text: 'oops\n' },
    { output_type: 'stream', name: 'stdout', text: 'c\n' },
  ]);
});

test('clear_output clears at once, or with wait=True only when the next output arrives', () => {
  const sink = new NotebookSink(new Map());
  sink.stream('stdout', 'old\n');
  sink.clearOutput(true);
  assert.equal(sink.outputs.length, 1);
  sink.executeResult(3, { 'text/plain': '1' }, {});
  assert.deepEqual(sink.outputs, [{ output_type: 'execute_result', execution_count: 3, data: { 'text/plain': '1' }, metadata: {} }]);
  sink.clearOutput(false);
  assert.deepEqual(sink.outputs, []);
});

test('update_display_data replaces a display shown by an earlier cell', () => {
  const displays = new Map<string, NotebookOutput[]>();
  const earlier = new NotebookSink(displays);
  earlier.displayData({ data: { 'text/plain': '10%' }, metadata: {}, displayId: 'progress' });
  const later = new NotebookSink(displays);
  later.updateDisplayData({ data: { 'text/plain': '100%' }, metadata: {}, displayId: 'progress' });
  assert.deepEqual(earlier.outputs, [{ output_type: 'display_data', data: { 'text/plain': '100%' }, metadata: {} }]);
  assert.deepEqual(later.outputs, []);
});

test('the HTML export is one self-contained page: escaped code, rich outputs, errors', () => {
  const notebook: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: 'markdown', metadata: {}, source: ['# Bridge\n', '\n', 'uses `mac` tables'] },
      {
        cell_type: 'code',
        metadata: {},
        execution_count: 1,
        source: 'if a < b: display(t)',
        outputs: [
          { output_type: 'display_data', data: { 'text/html': '<table id="t"></table>', 'text/plain': 'T' }, metadata: {} },
          { output_type: 'error', ename: 'E', evalue: 'v', traceback: ['E: <v>'] },
        ],
      },
    ],
  };
  const html = exportHtml(notebook, '/x/bridge.ipynb');
  assert.match(html, /<title>bridge\.ipynb<\/title>/);
  assert.match(html, /<h1>Bridge<\/h1>/);
  assert.match(html, /uses <code>mac<\/code> tables/);
  assert.match(html, /if a &#60; b: display\(t\)/);
  assert.match(html, /<table id="t"><\/table>/);
  assert.match(html, /E: &#60;v&#62;/);
  assert.doesNotMatch(html, /<(script|link)[^>]+(src|href)=/, 'nothing is loaded from elsewhere');
});
