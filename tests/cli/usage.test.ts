// What a new user meets at the terminal before any verification runs: the help however asked for, a misspelled
// option, files that do not exist, invalid specs reported before the NF is built. All exit 2 except the help (0).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { vigor } from './in-process.ts';
import { failure } from '../../cli/index.ts';
import { PROJECT_ROOT } from '../../toolchain/build.ts';

const work = mkdtempSync(join(tmpdir(), 'vigor-usage-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** An NF that does not compile: a command that reaches the build says "cannot compile"; one that does not, never built it. */
const broken = join(work, 'broken');
mkdirSync(broken);
writeFileSync(join(broken, 'nf.json'), JSON.stringify({ name: 'broken', source: 'broken.ts', devices: 2, frame: { min: 0, max: 64 } }));
writeFileSync(join(broken, 'broken.ts'), 'export function nf_init(): void {}\nexport function nf_process(d: i32): i32 { return d +; }\n');

/** The runs of `args`, one after the other (each captures the process's output while it runs). */
async function runEach(...argsList: string[][]) {
  const runs = [];
  for (const args of argsList) runs.push(await vigor(args));
  return runs;
}

describe('help', () => {
  test('vigor --help, vigor -h and vigor help print the one usage text, every command in it; exit 0', async () => {
    const runs = await runEach(['--help'], ['-h'], ['help']);
    for (const run of runs) {
      assert.equal(run.code, 0);
      assert.equal(run.stderr, '');
      assert.equal(run.stdout, runs[0]!.stdout);
    }
    assert.match(runs[0]!.stdout, /^usage: vigor \[options\] \[command\]/);
    for (const command of ['traces', 'verify', 'bench', 'kernel', 'run']) assert.match(runs[0]!.stdout, new RegExp(`^  ${command}\\b`, 'm'));
  });

  test('vigor verify --help, -h and vigor help verify: the options and exit codes, no "(default: [])"; exit 0', async () => {
    const runs = await runEach(['verify', '--help'], ['verify', '-h'], ['help', 'verify']);
    for (const run of runs) {
      assert.equal(run.code, 0);
      assert.equal(run.stdout, runs[0]!.stdout);
    }
    const help = runs[0]!.stdout;
    assert.match(help, /^usage: vigor verify NF_DIR \[--layers LAYERS\] \[--property NAME \.\.\.\] \[--spec FILE \.\.\.\]/);
    assert.match(help, /--property <NAME>/);
    assert.match(help, /--spec <FILE>/);
    assert.match(help, /exit 0: every\s+property holds/);
    assert.doesNotMatch(help, /default: \[\]/);
  });

  test('vigor run --help says where the executed notebook goes', async () => {
    const run = await vigor(['run', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout.replace(/\s+/g, ' '), /NAME\.executed\.ipynb beside NAME\.ipynb .*never over the input unless -o names it/);
  });
});

describe('usage mistakes', () => {
  test('a misspelled option is named, with the option meant; exit 2 and the command help', async () => {
    const run = await vigor(['verify', 'nfs/bridge', '--propery', 'learn']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^error: unknown option --propery \(did you mean --property\?\)$/m);
    assert.match(run.stderr, /usage: vigor verify NF_DIR/);
    const far = await vigor(['verify', 'nfs/bridge', '--fast']);
    assert.match(far.stderr, /^error: unknown option --fast$/m, 'nothing is suggested when no option is near');
  });

  test('vigor verify --spec of a missing file: named at once, before the NF is built; exit 2', async () => {
    const run = await vigor(['verify', broken, '--spec', 'missing.py']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^error: --spec missing\.py: no such file$/m);
    assert.doesNotMatch(run.stderr, /cannot compile/);
    const folder = await vigor(['verify', broken, '--spec', work]);
    assert.equal(folder.code, 2);
    assert.match(folder.stderr, /--spec .*: is a folder, not a file/);
  });

  test('vigor run of a missing notebook, or to a folder that does not exist: a clear error; exit 2', async () => {
    const missing = await vigor(['run', 'nope.ipynb']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^error: nope\.ipynb: no such file$/m);
    const notebook = join(work, 'empty.ipynb');
    writeFileSync(notebook, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }));
    const nowhere = await vigor(['run', notebook, '-o', join(work, 'no-such-folder', 'out.ipynb')]);
    assert.equal(nowhere.code, 2);
    assert.match(nowhere.stderr, /^error: -o .*out\.ipynb: the folder .*no-such-folder does not exist$/m);
  });
});

describe('invalid specs are found before the NF is built', () => {
  test('every spec invalid: each with its file, line and column, nothing built; exit 2', async () => {
    const syntax = join(work, 'unclosed.py');
    writeFileSync(syntax, 'h = pop_header(ether, on_mismatch=([], []))\nreturn ([received_on_port], [ether(h)]\n');
    const state = join(work, 'no_state.py');
    writeFileSync(state, 'from state import macs\nreturn ([], [])\n');
    const run = await vigor(['verify', broken, '--spec', syntax, '--spec', state]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^error: invalid spec unclosed:\n  .*unclosed\.py:2:\d+: '\(' is never closed/m);
    assert.match(run.stderr, /^error: invalid spec no_state:\n  .*no_state\.py:1:\d+: 'macs' is not a state object of broken/m);
    assert.match(run.stderr, /^error: no valid spec to check \(2 invalid\): fix them and run again; the NF was not built$/m);
    assert.doesNotMatch(run.stderr, /cannot compile/);
    assert.equal(run.stdout, '');
  });

  test('two specs with one name would be two rows no one can tell apart: refused; exit 2', async () => {
    const other = join(work, 'again');
    mkdirSync(other);
    writeFileSync(join(work, 'same.py'), 'pass\n');
    writeFileSync(join(other, 'same.py'), 'pass\n');
    const run = await vigor(['verify', broken, '--spec', join(work, 'same.py'), '--spec', join(other, 'same.py')]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^error: two specs are named same \(.*same\.py and .*again\/same\.py\): the table could not tell them apart; rename one$/m);
  });
});

describe('an NF kept outside the project', () => {
  test('its imports of the project by the nfs/ path name no file: the error says why and what to write, which then builds', async () => {
    const elsewhere = join(work, 'vendor', 'drop');
    mkdirSync(elsewhere, { recursive: true });
    writeFileSync(join(elsewhere, 'nf.json'), JSON.stringify({ name: 'drop', source: 'drop.ts', devices: 2, frame: { min: 0, max: 64 } }));
    const source = (prefix: string) => `import { DROP } from "${prefix}/nf-abi/outputs";\nexport function nf_init(): void {}\nexport function nf_process(device: i32, packet: usize, length: i32, now: i64): i32 { return DROP; }\n`;
    writeFileSync(join(elsewhere, 'drop.ts'), source('../..'));
    const run = await vigor(['traces', elsewhere]);
    assert.equal(run.code, 2);
    const hint = /^hint: .*drop\.ts is outside the project \(.*\), where "\.\.\/\.\.\/nf-abi\/\.\.\." \(as the NFs in nfs\/ import it\) names no file: put the NF folder in nfs\/, or import from "([^"]*)\/nf-abi\/\.\.\.", "\1\/libvig\/as\/\.\.\." instead$/m.exec(run.stderr);
    assert.ok(hint, run.stderr);
    writeFileSync(join(elsewhere, 'drop.ts'), source(hint[1]!));
    const fixed = await vigor(['traces', elsewhere]);
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.match(fixed.stdout, /1 trace/);
  });
});

describe('an NF the verifier cannot execute', () => {
  test('SIMD compiles (the run-time runs it) but is refused by the verifier at its source line; exit 2', async () => {
    const simd = join(work, 'simd');
    mkdirSync(simd, { recursive: true });
    writeFileSync(join(simd, 'nf.json'), JSON.stringify({ name: 'simd', source: 'simd.ts', devices: 2, frame: { min: 16, max: 64 } }));
    writeFileSync(join(simd, 'simd.ts'), 'export function nf_init(): void {}\nexport function nf_process(device: i32, packet: usize, length: i32, now: i64): i32 {\n  v128.store(packet, v128.load(packet));\n  return 1 - device;\n}\n');
    const run = await vigor(['traces', simd]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^error: .*simd\.ts:3: the verifier does not execute SIMD instructions \(in .*nf_process, wasm byte \d+\): write this code without them$/m);
  });
});

describe('a bug of vigor\'s own', () => {
  test('is said as one, with where it was thrown, never as the input\'s mistake; an engine limitation is the input\'s', async () => {
    const { EngineError } = await import('../../engine/index.ts');
    const internal = await failure(new RangeError('Maximum call stack size exceeded'));
    assert.match(internal, /^error: internal error, a bug in vigor \(please report it with this text\): Maximum call stack size exceeded\n\s+at .*tests\/cli\/usage\.test\.ts:\d+:\d+/);
    assert.ok(!internal.includes('file://') && !internal.includes(PROJECT_ROOT), `paths relative to the project: ${internal}`);
    assert.equal(await failure(new EngineError('a symbolic index with up to 5000 values')), 'error: a symbolic index with up to 5000 values');
  });
});
