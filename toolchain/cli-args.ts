// Command-line arguments, as every `vigor` command reads them (engine, runtime and kernel CLIs).

/** A mistake in how a command was called: the CLI prints the message (which says what to write) and exits 2. */
export class UsageError extends Error {}

/** Removes `name VALUE` from `args` and returns VALUE (undefined when `name` is absent). */
export function takeOption(args: string[], name: string, usage: string): string | undefined {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value\n${usage}`);
  args.splice(at, 2);
  return value;
}
