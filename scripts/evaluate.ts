// npm start: the paper's evaluation, from one notebook. Executes notebooks/paper-evaluation.ipynb headless through
// `vigor run` (progress on stderr), writes the executed notebook and its HTML export (plots offline) to evaluation/,
// then report.md (the notebook's tables, as Markdown) and report.json (the data behind them) from its outputs.
// No Jupyter needed. VIGOR_EVALUATION=paper runs the paper's sizes (see README.md).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'evaluation');
const executed = join(out, 'paper-evaluation.ipynb');

const run = spawnSync(process.execPath, [join(root, 'bin', 'vigor.js'), 'run', join(root, 'notebooks', 'paper-evaluation.ipynb'), '-o', executed, '--html', join(out, 'paper-evaluation.html'), '--progress'], { stdio: ['ignore', 'inherit', 'inherit'] });
if (run.status !== 0) {
  console.error(`the evaluation notebook did not run to its end (exit ${run.status ?? run.signal}); see the failing cell above and ${executed}`);
  process.exit(1);
}

interface Output { output_type: string; data?: Record<string, unknown> }
const notebook = JSON.parse(readFileSync(executed, 'utf8')) as { cells: { outputs?: Output[] }[] };
const outputs = notebook.cells.flatMap((cell) => cell.outputs ?? []).filter((output) => output.data !== undefined);
const text = (value: unknown) => (Array.isArray(value) ? value.join('') : String(value));
const tables = outputs.map((output) => output.data!['text/markdown']).filter((markdown) => markdown !== undefined).map(text);
const data = outputs.map((output) => output.data!['application/json']).find((json) => json !== undefined);
if (!data) {
  console.error(`${executed} has no data output (its last cell's application/json): the notebook changed; report.json not written`);
  process.exit(1);
}
const report = [
  '# Evaluation',
  '',
  `${new Date().toISOString()} on ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}; from notebooks/paper-evaluation.ipynb (executed: paper-evaluation.ipynb, paper-evaluation.html).`,
  '',
  ...tables.flatMap((table) => [table, '']),
].join('\n');
writeFileSync(join(out, 'report.md'), report);
writeFileSync(join(out, 'report.json'), `${JSON.stringify(data, null, 2)}\n`);
console.error(`written: ${executed}, paper-evaluation.html, report.md and report.json in ${out}`);
