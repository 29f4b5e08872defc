// MIME bundles for verification results: the engine's text as text/plain, readable tables as text/html
// (an NF's traces, a verdict table, a counterexample with its packet, headers, state and lines).
import { claimsNothingNote, formatStep, replayWords, verdictSummary, verdictWord } from '../../engine/index.ts';
import { escapeHtml } from '../notebook/html-export.ts';
import { cell, headerCell, htmlCell, row, section, table } from '../rich-output/html-table.ts';
import type { MimeBundle } from '../session/output.ts';
import type { Counterexample, NfSummary, PropertyReport, VerifyAnswer } from './engine-protocol.ts';
import type { InputDescription, ViolationDescription } from '../../engine/index.ts';

export function nfSummaryBundle(summary: NfSummary): MimeBundle {
  const { figures } = summary;
  const heading = `<p><strong>${escapeHtml(summary.name)}</strong> (${escapeHtml(summary.layers)} layers): ${figures.traces} traces, ${figures.violations} violations; ` +
    `${figures.queries} queries, exploration ${figures.seconds.toFixed(2)} s (solver ${figures.solverSeconds.toFixed(2)} s)</p>`;
  const rows = summary.traces.map((trace, i) => row([cell(i + 1), cell(trace.output), cell(trace.calls.join(', ') || '—'), cell(trace.lines.join(', ') || '—')]));
  const properties = [...(summary.hasSpec ? ['spec'] : []), ...summary.propertyFiles];
  const footer = `<p>Properties on disk: ${properties.length ? properties.map((p) => `<code>${escapeHtml(p)}</code>`).join(', ') : 'none'}</p>`;
  const violations = summary.violations.map(violationSection).join('');
  return { 'text/plain': summary.text, 'text/html': section(heading + table(['trace', 'output', 'libVig calls', 'NF lines'], rows) + violations + footer) };
}

/** The verdicts: with NF violations no property reads "holds" (the engine words it, as in the CLI's table). */
export function verdictBundle(nf: NfSummary, answer: VerifyAnswer): MimeBundle {
  const rows = answer.reports.map((report) => {
    if (report.verdict === 'invalid' || report.verdict === 'error') {
      return row([cell(report.name), cell(verdictWord(report.verdict, nf.figures.violations), report.verdict), cell(report.text, undefined, 6)]);
    }
    return row([
      cell(report.name),
      cell(verdictWord(report.verdict, nf.figures.violations, report.claimsNothing), report.verdict),
      cell(report.traces, 'number'),
      cell(report.specPaths, 'number'),
      cell(report.queries, 'number'),
      cell(report.seconds.toFixed(2), 'number'),
      cell(report.lines, 'number'),
      cell(report.dialect),
    ]);
  });
  const verdicts = table(['property', 'verdict', 'traces', 'spec paths', 'queries', 'seconds', 'lines', 'dialect'], rows);
  const details = answer.reports.filter((report) => report.verdict === 'fails').map(failureSection).join('');
  const texts = [answer.table, ...answer.reports.filter((report) => report.verdict !== 'holds').map((report) => `\n${report.text}`)];
  const summary = escapeHtml(verdictSummary(nf.name, nf.figures.traces, nf.figures.violations, answer.reports));
  const note = claimsNothingNote(answer.reports);
  return { 'text/plain': texts.join('\n'), 'text/html': section(`<p>${summary}</p>${verdicts}${note ? `<p>${escapeHtml(note)}</p>` : ''}${details}`) };
}

function failureSection(report: PropertyReport): string {
  if (report.verdict !== 'fails') return '';
  return `<h4>${escapeHtml(report.name)} fails: counterexample</h4>${report.counterexamples.map(counterexampleTable).join('')}`;
}

const BYTES_PER_ROW = 16;
/** Past the headers a counterexample's payload is whatever the solver chose (mostly zeros): show its start. */
const SHOWN_BYTES = 64;

/** A violation of the NF's own, as a property's counterexample reads: what and where, its input, NF path and replay. */
function violationSection(violation: ViolationDescription): string {
  const rows: [string, string[]][] = [
    ['violation', [`${violation.kind} at ${violation.location}: ${violation.message}`, ...violation.stack.map((at) => `called from ${at}`)]],
    ...inputRows(violation),
    ['NF path', violation.nfPath.map(formatStep)],
    ...(violation.replay ? [[`replay on ${violation.replayedOn}`, [replayWords(violation.replay)]] as [string, string[]]] : []),
  ];
  return `<h4>VIOLATION (${escapeHtml(violation.kind)})</h4>${labelledTable(rows)}`;
}

function counterexampleTable(example: Counterexample): string {
  const rows: [string, string[]][] = [
    ...inputRows(example),
    ['state before', example.stateEntries.length ? example.stateEntries : ['no entry matters']],
    ...(example.differences.length ? [[`after the ${example.received ? 'packet' : 'iteration'}`, example.differences] as [string, string[]]] : []),
    ['the NF did', [example.nfOutput]],
    ['the spec requires', [example.specRequires]],
    ['failed', example.failed],
    ['NF path', example.nfPath.map(formatStep)],
    ['spec line', [example.specLine ?? '(end of spec)', ...example.specDecisions.map((at) => `after a decision at ${at}`)]],
    ['replay on the run-time NF', [replayWords(example.replay)]],
  ];
  return labelledTable(rows);
}

const labelledTable = (rows: [string, string[]][]): string =>
  `<table>${rows.map(([label, lines]) => row([headerCell(label), htmlCell(`<code>${lines.map(escapeHtml).join('<br>')}</code>`)])).join('')}</table>`;

/** A counterexample's input: device, time, the frame's first bytes and its headers. */
function inputRows(example: InputDescription): [string, string[]][] {
  if (example.atStartUp) return [['received', ['no packet: nf_init fails at start-up with nf.json\'s configuration']]];
  if (!example.received) return [['received', ['no packet: an iteration of the stack that received none']], ['time', [example.time, 'the other times are from t0']]];
  const bytes: string[] = [];
  for (let offset = 0; offset < Math.min(example.packet.length, SHOWN_BYTES); offset += BYTES_PER_ROW) {
    const chunk = example.packet.slice(offset, offset + BYTES_PER_ROW).map((b) => b.toString(16).padStart(2, '0'));
    bytes.push(`${offset.toString(16).padStart(4, '0')}: ${chunk.join(' ')}`);
  }
  const rest = example.packet.slice(SHOWN_BYTES);
  if (rest.length > 0) bytes.push(`… ${rest.length} more bytes${rest.every((b) => b === 0) ? ', all zero' : ''}`);
  const headerRows = example.headers.flatMap((header) => header.fields.map((field) => `${header.protocol}.${field.name} = ${field.value}`));
  return [
    ['received on', [`device ${example.device}`]],
    ['time', [example.time, 'the other times are from t0']],
    ['packet', [`${example.length} bytes`, ...bytes]],
    ['headers', headerRows.length ? headerRows : ['none (too short for an Ethernet header)']],
  ];
}
