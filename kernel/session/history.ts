// In-memory input history of this kernel process, answering history_request the way IPython does
// (tail, range, glob search); entries are [session, line, input] or [session, line, [input, output]].

/** This process's session number; IPython numbers sessions in its database, 0 meaning "the current one". */
export const CURRENT_SESSION = 1;

export interface HistoryEntry {
  line: number;
  input: string;
  /** text/plain of the cell's execute_result, if it had one. */
  output: string | null;
}

export type HistoryQuery =
  | { kind: 'tail'; n: number }
  | { kind: 'range'; session: number; start: number; stop: number | null }
  | { kind: 'search'; pattern: string; n: number | null; unique: boolean };

export type HistoryRow = [number, number, string] | [number, number, [string, string | null]];

export class History {
  private readonly entries: HistoryEntry[] = [];

  record(entry: HistoryEntry): void {
    this.entries.push(entry);
  }

  query(query: HistoryQuery, withOutput: boolean): HistoryRow[] {
    return this.select(query).map((entry) =>
      withOutput ? [CURRENT_SESSION, entry.line, [entry.input, entry.output]] : [CURRENT_SESSION, entry.line, entry.input],
    );
  }

  private select(query: HistoryQuery): HistoryEntry[] {
    switch (query.kind) {
      case 'tail':
        return query.n > 0 ? this.entries.slice(-query.n) : [];
      case 'range': {
        if (query.session !== CURRENT_SESSION && query.session !== 0) return [];
        // As in IPython, stop is exclusive and a missing stop means "to the end".
        return this.entries.filter((entry) => entry.line >= query.start && (query.stop === null || entry.line < query.stop));
      }
      case 'search': {
        const matcher = globToRegExp(query.pattern);
        let found = this.entries.filter((entry) => matcher.test(entry.input));
        if (query.unique) {
          // Keep the latest occurrence of each input, in history order.
          const lastIndex = new Map(found.map((entry, index) => [entry.input, index]));
          found = found.filter((entry, index) => lastIndex.get(entry.input) === index);
        }
        return query.n === null ? found : found.slice(-query.n);
      }
    }
  }
}

/** IPython's search pattern is an SQLite GLOB over the whole input: `*` any run, `?` one character. */
function globToRegExp(pattern: string): RegExp {
  const body = [...pattern]
    .map((char) => (char === '*' ? '[\\s\\S]*' : char === '?' ? '[\\s\\S]' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}
