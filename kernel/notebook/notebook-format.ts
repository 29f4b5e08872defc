// The parts of nbformat 4 this kernel reads and writes (https://nbformat.readthedocs.io/en/latest/format_description.html).

export type NotebookOutput =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { output_type: 'display_data'; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: 'execute_result'; execution_count: number; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

export interface NotebookCell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
  metadata: Record<string, unknown>;
  outputs?: NotebookOutput[];
  execution_count?: number | null;
}

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

/** nbformat allows multi-line strings to be stored as lists of lines. */
export function joinSource(source: string | string[] | unknown): string {
  return Array.isArray(source) ? source.join('') : String(source ?? '');
}

export function parseNotebook(text: string, path: string): Notebook {
  let notebook: Notebook;
  try {
    notebook = JSON.parse(text) as Notebook;
  } catch (error) {
    throw new Error(`${path} is not a notebook: it is not valid JSON (${(error as Error).message})`);
  }
  if (notebook.nbformat !== 4 || !Array.isArray(notebook.cells)) {
    throw new Error(`${path} is not an nbformat 4 notebook (nbformat: ${String(notebook.nbformat)}); convert it with \`jupyter nbconvert --to notebook\``);
  }
  return notebook;
}
