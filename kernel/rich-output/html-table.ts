// HTML tables in the kernel's rich output (verification results, benchmarks), with one small stylesheet.
import { escapeHtml } from '../notebook/html-export.ts';

const STYLE = `<style>
.vigor table { border-collapse: collapse; margin: .3rem 0; font-size: .85rem; }
.vigor th, .vigor td { border: 1px solid #ccc; padding: .15rem .5rem; text-align: left; vertical-align: top; }
.vigor .holds { color: #176117; font-weight: bold; } .vigor .fails, .vigor .invalid { color: #a11; font-weight: bold; }
.vigor code { font-size: .8rem; }
.vigor td.number { text-align: right; font-variant-numeric: tabular-nums; }
</style>`;

export const cell = (value: string | number, className?: string) => `<td${className ? ` class="${className}"` : ''}>${escapeHtml(String(value))}</td>`;
export const row = (cells: string[]) => `<tr>${cells.join('')}</tr>`;
export const table = (header: string[], rows: string[]) => `<table><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>${rows.join('')}</table>`;
export const section = (inner: string) => `<div class="vigor">${STYLE}${inner}</div>`;
