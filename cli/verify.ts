// `vigor verify NF_DIR [--property NAME ...] [--spec FILE ...]`: spec.py and every property (or those named)
// against the NF's traces, on a pool of worker threads: the verdict table, the NF's own violations, and each
// failure with its counterexample and replay. Exit 0 when every property holds and the NF has no violation, 1 when
// something fails, 2 on an error (an invalid spec, an ERROR verdict; build errors and usage mistakes via main).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { WordedCommand } from '../options/index.ts';

/** A repeatable option's values, in order. */
const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function addVerify(program: WordedCommand, exit: (code: number) => void): void {
  const command = program
    .command('verify')
    .description('check spec.py and every property in properties/ (or only those named) against the NF; exit 0: every ' +
      'property holds and the NF has no violation, 1: a property fails or the NF has a violation, 2: an error (an invalid ' +
      'spec, an ERROR verdict, a build or manifest error, a usage mistake)')
    .usage('NF_DIR [--property NAME ...] [--spec FILE ...]')
    .argument('<NF_DIR>', 'an NF folder (with nf.json)')
    .option('--property <NAME>', "a property of the NF's properties/ folder (repeatable)", collect, [])
    .option('--spec <FILE>', 'a spec file (repeatable)', collect, []);
  command.action(async (dir: string, options: { property: string[]; spec: string[] }) => exit(await verify(command, resolve(dir), options)));
}

async function verify(command: WordedCommand, nfDir: string, options: { property: string[]; spec: string[] }): Promise<number> {
  // Loaded here so that the other commands start without the engine.
  const { formatResultTable, listProperties, verifyInParallel } = await import('../engine/index.ts');
  const files = options.spec.map((file) => resolve(file));
  const properties = join(nfDir, 'properties');
  for (const name of options.property) {
    const path = join(properties, `${name}.py`);
    if (!existsSync(path)) command.error(`no property ${name}: ${path} does not exist (properties: ${listProperties(nfDir).map((p) => p.name).join(', ') || 'none'})`);
    files.push(path);
  }
  if (files.length === 0) {
    if (existsSync(join(nfDir, 'spec.py'))) files.push(join(nfDir, 'spec.py'));
    files.push(...listProperties(nfDir).map((p) => join(properties, `${p.name}.py`)));
  }
  const progress = new Progress();
  progress.show(`exploring the NF and checking ${files.length} properties`);
  const verification = await verifyInParallel(nfDir, files, (done) => progress.show(`checked ${done} of ${files.length} properties`));
  progress.done();
  const { results, violations } = verification;
  console.log(formatResultTable(verification.nf, verification.traces, violations.length, results));
  if (violations.length > 0) console.log(`\nThe NF's own violations (fix them first):\n${violations.join('\n')}`);
  for (const result of results) if (result.verdict !== 'holds') console.log(`\n${result.report}`);
  if (results.some((r) => r.verdict === 'invalid' || r.verdict === 'error')) return 2;
  return violations.length === 0 && results.every((r) => r.verdict === 'holds') ? 0 : 1;
}

/** A one-line status on a terminal's stderr; silent when stderr is not a terminal (logs, CI). */
class Progress {
  private readonly live = process.stderr.isTTY === true;
  show(text: string): void {
    if (this.live) process.stderr.write(`\r\x1b[2K${text} …`);
  }
  done(): void {
    if (this.live) process.stderr.write('\r\x1b[2K');
  }
}
