// The fields of a request's content, read with their protocol types: a field of the wrong type (or a required one
// missing) is the request's error reply naming it, never a value coerced into something the client did not send.
import { describeJson } from './wire.ts';

/** A request whose content the protocol does not allow; its reply is an error saying which field and why. */
export class InvalidRequest extends Error {
  override readonly name = 'InvalidRequest';
}

export class RequestContent {
  constructor(private readonly msgType: string, private readonly content: Record<string, unknown>) {}

  /** A string field every request of this type must have (`why`: what it holds). */
  string(field: string, why: string): string {
    const value = this.content[field];
    return typeof value === 'string' ? value : this.wrong(field, `a string (${why})`);
  }

  /** An optional field: `fallback` when absent or null, else it must be a string. */
  optionalString(field: string, fallback: string): string {
    const value = this.content[field];
    return value === undefined || value === null ? fallback : typeof value === 'string' ? value : this.wrong(field, 'a string');
  }

  optionalBoolean(field: string, fallback: boolean): boolean {
    const value = this.content[field];
    return value === undefined || value === null ? fallback : typeof value === 'boolean' ? value : this.wrong(field, 'true or false');
  }

  optionalInteger<Fallback extends number | null>(field: string, fallback: Fallback): number | Fallback {
    const value = this.content[field];
    return value === undefined || value === null ? fallback : Number.isInteger(value) ? (value as number) : this.wrong(field, 'a whole number');
  }

  optionalObject(field: string): Record<string, unknown> {
    const value = this.content[field];
    if (value === undefined || value === null) return {};
    return typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : this.wrong(field, 'an object');
  }

  /** A string field that must be one of `values`. */
  oneOf<Value extends string>(field: string, values: readonly Value[]): Value {
    const value = this.content[field];
    return values.includes(value as Value) ? (value as Value) : this.wrong(field, `one of ${values.map((v) => `"${v}"`).join(', ')}`);
  }

  private wrong(field: string, expected: string): never {
    const value = this.content[field];
    const found = value === undefined ? 'is missing' : `is ${describeJson(value)}`;
    throw new InvalidRequest(`${this.msgType}: content.${field} ${found}; it must be ${expected}`);
  }
}
