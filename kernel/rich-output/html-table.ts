// HTML tables in the kernel's rich output (verification results, benchmarks), with one small stylesheet. Every
// cell also carries its alignment inline: nbconvert's and JupyterLab's own styles right-align table cells, and
// a sanitised output may lose the <style> element, never a cell's style attribute.
import { escapeHtml } from '../notebook/html-export.ts';

const STYLE = `<style>
.vigor table { border-collapse: collapse; margin: .3rem 0; font-size: .85rem; }
.vigor th, .vigor td { border: 1px solid #ccc; padding: .15rem .5rem; }
.vigor .holds { color: #176117; font-weight: bold; } .vigor .fails, .vigor .invalid { color: #a11; font-weight: bold; }
.vigor code { font-size: .8rem; white-space: pre-wrap; }
</style>`;

const LEFT = 'text-align: left; vertical-align: top';
const RIGHT = 'text-align: right; vertical-align: top; font-variant-numeric: tabular-nums';

/** A cell holding HTML already built (escaped by the caller); class `number` right-aligns it. */
export const htmlCell = (html: string, className?: string, colspan?: number) =>
  `<td${className ? ` class="${className}"` : ''}${colspan ? ` colspan="${colspan}"` : ''} style="${className === 'number' ? RIGHT : LEFT}">${html}</td>`;
export const cell = (value: string | number, className?: string, colspan?: number) => htmlCell(escapeHtml(String(value)), className, colspan);
export const headerCell = (label: string) => `<th style="${LEFT}">${escapeHtml(label)}</th>`;
export const row = (cells: string[]) => `<tr>${cells.join('')}</tr>`;
export const table = (header: string[], rows: string[]) => `<table><tr>${header.map(headerCell).join('')}</tr>${rows.join('')}</table>`;
export const section = (inner: string) => `<div class="vigor">${STYLE}${inner}</div>`;
