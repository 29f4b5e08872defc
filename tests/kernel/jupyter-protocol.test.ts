// The kernel under Debian's Jupyter: jupyter_kernel_test's protocol checks, interrupts, keyboard input, restart and shutdown
// (tests/kernel/jupyter/test_vigor_kernel.py), and `jupyter nbconvert --execute` with a papermill-style parameters cell.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { joinSource, type Notebook } from '../../kernel/notebook/notebook-format.ts';
import { createJupyterEnvironment, jupyterMissing, SYSTEM_PYTHON, type JupyterEnvironment } from './jupyter-environment.ts';

const missing = jupyterMissing();
if (missing) console.log(`# SKIPPED kernel end-to-end tests: ${missing}`);

let jupyter: JupyterEnvironment;
before(() => {
  if (!missing) jupyter = createJupyterEnvironment();
});
after(() => jupyter?.remove());

const EXPECTED_PASSING = [
  'test_kernel_info',
  'test_execute_stdout',
  'test_execute_stderr',
  'test_error',
  'test_execute_result',
  'test_display_data',
  'test_completion',
  'test_is_complete',
  'test_inspect',
  'test_history',
  'test_is_complete_indents_after_a_block_opener',
  'test_inspect_documents_spec_names_in_plain_cells',
  'test_question_mark_shows_documentation_through_execute',
  'test_clear_output',
  'test_sigint_stops_a_busy_loop',
  'test_interrupt_request_stops_a_sleep',
  'test_input_is_asked_on_stdin_and_the_cell_gets_the_answer',
  'test_an_interrupt_ends_a_wait_for_input',
  'test_a_client_that_does_not_allow_stdin_gets_an_error_saying_so',
  'test_sigint_stops_a_long_verification',
  'test_restart_gives_a_fresh_working_kernel',
  'test_cells_queued_behind_a_failing_cell_are_aborted',
  'test_shutdown_request_ends_the_process',
];

test('jupyter_kernel_test and the interrupt / lifecycle tests pass against the installed kernelspec', { skip: missing }, () => {
  const run = spawnSync(SYSTEM_PYTHON, ['tests/kernel/jupyter/test_vigor_kernel.py'], { env: jupyter.env, encoding: 'utf8', timeout: 300_000 });
  const report = run.stderr;
  assert.equal(run.status, 0, failuresFirst(report));
  for (const name of EXPECTED_PASSING) {
    assert.match(report, new RegExp(`^${name} \\(.*\\) \\.\\.\\. ok$`, 'm'), `${name} did not pass:\n${report}`);
  }
  // The pager is the only jupyter_kernel_test check that does not apply (this kernel has no pager payloads).
  assert.deepEqual(report.match(/^test_\w+ .*skipped/gm)?.map((line) => line.split(' ')[0]), ['test_pager']);
});

/** unittest's report with the failures' tracebacks first, so that a summary keeping only its start says why. */
function failuresFirst(report: string): string {
  const details = report.indexOf('\n======');
  return details < 0 ? report : `${report.slice(details + 1)}\n${report.slice(0, details)}`;
}

test('jupyter nbconvert --execute runs a notebook with this kernel, papermill-style parameters included', { skip: missing }, () => {
  const cell = (source: string, tags: string[] = []) => ({ cell_type: 'code', metadata: { tags }, source, outputs: [], execution_count: null });
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'vigor', display_name: 'Vigor', language: 'python' }, language_info: { name: 'python' } },
    cells: [
      cell('capacity = 65536\nnf = "nop"', ['parameters']),
      // What papermill inserts after the parameters cell when run with -p capacity 1024 -p nf bridge.
      cell('# Parameters\ncapacity = 1024\nnf = "bridge"\n', ['injected-parameters']),
      cell('print(f"{nf}: {capacity} entries")\ncapacity * 2'),
      cell('display(HTML(f"<b>{nf}</b>"))'),
    ],
  };
  const input = join(jupyter.directory, 'parameters.ipynb');
  writeFileSync(input, JSON.stringify(notebook));
  const run = spawnSync(
    SYSTEM_PYTHON,
    ['-m', 'nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.timeout=120', '--output', 'executed.ipynb', input],
    { env: jupyter.env, encoding: 'utf8', timeout: 180_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  const executed = JSON.parse(readFileSync(join(jupyter.directory, 'executed.ipynb'), 'utf8')) as Notebook;
  // nbformat may store multi-line strings as lists of lines.
  const outputs = executed.cells.map((c) => JSON.parse(JSON.stringify(c.outputs ?? []), (key, value) => (Array.isArray(value) && value.every((item) => typeof item === 'string') && key !== 'traceback' ? joinSource(value) : value)));
  assert.deepEqual(outputs[2], [
    { output_type: 'stream', name: 'stdout', text: 'bridge: 1024 entries\n' },
    { output_type: 'execute_result', execution_count: 3, data: { 'text/plain': '2048' }, metadata: {} },
  ]);
  assert.equal((outputs[3][0] as { data: Record<string, string> }).data['text/html'], '<b>bridge</b>');
  assert.equal((executed.metadata.language_info as { name: string }).name, 'python');
});
