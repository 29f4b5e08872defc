// The spec sandbox: no route from a spec to the host, no state shared between properties, limits on Python time
// and memory, and an interpreter a spec crashes replaced. Through the interpreter itself (no front-end: its text
// checks are not what isolates), through property files in a session, and through `vigor verify --spec`. A name a
// spec never bound is explained, and located at the name.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type PropertyResult, VerificationSession } from '../../engine/session/session.ts';
import { specPython, type SpecHost } from '../../engine/spec/python.ts';
import { statementSpecBody } from '../../engine/spec/rewrite.ts';

// Small limits, read when the spec interpreter starts (the first property of this process).
const LIMITS = { VIGOR_SPEC_SECONDS: '1', VIGOR_SPEC_MIB: '64' };
Object.assign(process.env, LIMITS);

const root = fileURLToPath(new URL('../../', import.meta.url));
const NOP = `${root}nfs/nop`;
const NOP_SPEC = 'if packet_size < 14:\n    return ([], [])\nreturn ([1 - received_on_port], [])\n';
const folder = mkdtempSync(join(tmpdir(), 'vigor-sandbox-'));
const specFile = (name: string, text: string) => {
  const path = join(folder, `${name}.py`);
  writeFileSync(path, text);
  return path;
};

/** Routes out of a spec, each with what refuses it. Every one of them reaches the host in an unguarded Pyodide. */
const ESCAPES: [name: string, code: string, refusal: RegExp][] = [
  ['import_builtin', "x = __import__('js').process.getBuiltinModule('child_process').execSync('id')", /cannot use the name '__import__'/],
  ['import_statement', 'import js', /imports only from state .* not 'js'/],
  ['importlib', "from importlib import import_module\nx = import_module('os')", /imports only from state .* not 'importlib'/],
  ['sys_modules', "from sys import modules\nx = modules['js']", /imports only from state .* not 'sys'/],
  ['subclasses', 'x = ().__class__.__base__.__subclasses__()', /cannot use the attribute '__class__'/],
  ['frames', 'x = (y for y in [1]).gi_frame.f_back.f_globals', /cannot use the attribute 'gi_frame'/],
  ['globals_of_prelude', "x = pop_header.__globals__['_bridge']", /cannot use the attribute '__globals__'/],
  ['getattr', "x = getattr(pop_header, '__globals__')", /NameError: name 'getattr' is not defined/],
  ['builtins', "x = __builtins__['open']", /cannot use the name '__builtins__'/],
  ['gc', 'from gc import get_objects', /imports only from state .* not 'gc'/],
  ['open', "x = open('/etc/passwd').read()", /NameError: name 'open' is not defined/],
  ['os', "from os import system\nx = system('id')", /imports only from state .* not 'os'/],
  ['io', "from io import FileIO\nx = FileIO('/etc/passwd')", /imports only from state .* not 'io'/],
  ['bridge', 'import vigor_bridge', /imports only from state .* not 'vigor_bridge'/],
  ['type', "x = type(now).mro()", /NameError: name 'type' is not defined|cannot use the attribute 'mro'/],
  ['match_class', 'match 1:\n    case int(__class__=c):\n        pass', /cannot use the attribute '__class__'/],
  ['state_module', 'from state import __dict__', /cannot use the attribute '__dict__'/],
  ['format', "x = '{0.__globals__[_bridge]}'.format(pop_header)", /cannot use the attribute 'format'/],
  ['tamper_outcome', "ether.__globals__['_outcome'] = lambda value: {'kind': 'pass'}", /cannot use the attribute '__globals__'/],
  ['tamper_attribute', 'pop_header.hook = 1', /cannot assign or delete attributes/],
];

const INPUTS = { now: [0, 64], received: true, received_on_port: [1, 32], packet_size: [2, 32], the_index_allocated: [3, 32], headers: [], all_headers: [], records: {}, state: {}, config: {} };
const HOST: SpecHost = {
  decide: () => true,
  state: () => 'null',
  transmitted: () => 'null',
  sentDevices: () => '[]',
  hash: () => '[0, 32]',
};
const outcomeOf = async (code: string) => {
  const python = await specPython();
  return (JSON.parse(python.property('statement', statementSpecBody(code)).run(HOST, INPUTS)) as { outcome: { kind: string; line?: number; message?: string } }).outcome;
};

describe('the interpreter refuses every route to the host, whatever the front-end would say', () => {
  for (const [name, code, refusal] of ESCAPES) {
    test(name, async () => {
      const outcome = await outcomeOf(code);
      assert.equal(outcome.kind, 'error', JSON.stringify(outcome));
      assert.match(outcome.message ?? '', refusal);
      assert.ok(outcome.line !== null && outcome.line !== undefined && outcome.line >= 2, 'the refusal has a line of the spec body');
    });
  }

  test('what the spec language needs still runs: names, loops, helpers, state import, sums', async () => {
    const outcome = await outcomeOf('def twice(x):\n    return 2 * x\nn = sum([twice(i) for i in range(4)])\nassert n == 12 and max(1, 3) == 3 and all([True]) and not any([])\nreturn ([received_on_port], [])');
    assert.equal(outcome.kind, 'return', JSON.stringify(outcome));
  });
});

describe('a name the spec never bound is explained in its author\'s terms', () => {
  const functionOutcome = async (code: string, config: Record<string, string> = {}) =>
    (JSON.parse((await specPython()).property('function', code).run(HOST, { ...INPUTS, config })) as { outcome: { kind: string; line?: number; message?: string } }).outcome;
  const explained = (outcome: { kind: string; line?: number; message?: string }, line: number, message: RegExp) => {
    assert.equal(outcome.kind, 'error', JSON.stringify(outcome));
    assert.equal(outcome.line, line);
    assert.match(outcome.message ?? '', message);
  };

  test('a misspelt name: the closest one the spec could have meant, a global, a local or a built-in', async () => {
    explained(await outcomeOf('size = packet_size\nreturn ([1 - recieved_on_port], [])\n'), 3, /^NameError: name 'recieved_on_port' is not defined; did you mean 'received_on_port'\?$/);
    explained(await functionOutcome('def spec(packet, config, transmitted_packet):\n    limit = 14\n    assert limt > 0\n'), 3, /name 'limt' is not defined; did you mean 'limit'\?$/);
    explained(await outcomeOf('return ([], [lenn([1])])\n'), 2, /did you mean 'len'\?$/);
    // Nothing close: the plain message, with no guess. A local read before it is bound: Python's own message.
    explained(await outcomeOf('return ([zzqqxx], [])\n'), 2, /^NameError: name 'zzqqxx' is not defined$/);
    const unbound = 'def spec(packet, config, transmitted_packet):\n    if packet.length > 100:\n        pass\n    else:\n        limit = 1\n    assert limit > 0\n';
    explained(await functionOutcome(unbound), 6, /^UnboundLocalError: cannot access local variable 'limit' where it is not associated with a value$/);
  });

  test("the other dialect's names, and Python built-ins the sandbox leaves out", async () => {
    explained(await outcomeOf('if packet.ether is None:\n    return ([], [])\n'), 2, /packet is a parameter of a function-dialect spec, def spec\(packet, config, transmitted_packet\); a statement-dialect spec reads the frame with pop_header/);
    explained(await functionOutcome('def spec(packet, config, transmitted_packet):\n    assert packet.time < expiration_time\n', { expiration_time: '10' }), 2, /a function-dialect spec reads config values from its parameter: config\["expiration_time"\]/);
    explained(await outcomeOf("x = open('/etc/passwd')\n"), 2, /specs cannot use the Python built-in 'open'/);
  });
});

describe('a session: property files, limits, crashes, tampering', () => {
  let session: VerificationSession;
  before(async () => {
    session = await VerificationSession.open(NOP);
  });
  const check = (name: string, text: string) => session.checkFile(specFile(name, text));
  const runtimeError = (result: PropertyResult) => {
    assert.equal(result.verdict, 'invalid', JSON.stringify(result, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    const error = result.verdict === 'invalid' ? result.errors[0]! : undefined;
    assert.equal(error?.kind, 'runtime');
    return error!;
  };
  /** The check was stopped (a limit, a crash): an ERROR verdict, no verdict about the NF; its message and line. */
  const stopped = (result: PropertyResult) => {
    assert.equal(result.verdict, 'error', JSON.stringify(result));
    const message = result.verdict === 'error' ? result.message : '';
    const at = /^(.*) at (.*):(\d+)$/.exec(message);
    return { message: at ? at[1]! : message, file: at?.[2] ?? null, line: at ? Number(at[3]) : null };
  };

  test('an escape in a property file is an invalid spec naming the file, line and what was refused', async () => {
    const error = runtimeError(await check('escape', `h = 1\n${ESCAPES[0]![1]}\nreturn ([], [])\n`));
    assert.match(error.file, /escape\.py$/);
    assert.equal(error.line, 2);
    assert.match(error.message, /cannot use the name '__import__'/);
  });

  test('a NameError points at the name on its line, not at an attribute of that name', async () => {
    const error = runtimeError(await check('misspelt', 'size = packet_size\nreturn ([1 - recieved_on_port], [])\n'));
    assert.deepEqual([error.line, error.column], [2, 14]);
    assert.match(error.message, /did you mean 'received_on_port'\?$/);
    const attribute = runtimeError(await check('misspelt_name', 'size = packet_size\nreturn ([size.limt if False else limt], [])\n'));
    assert.deepEqual([attribute.line, attribute.column], [2, 34]);
  });

  test('an endless loop ends with an ERROR verdict at its line within the time limit', async () => {
    const started = performance.now();
    const error = stopped(await check('endless', 'x = 0\nfor i in range(10 ** 18):\n    x = x + i\nreturn ([], [])\n'));
    assert.match(error.message, /^the spec ran longer than 1 s$/);
    assert.ok(error.line === 2 || error.line === 3, `line ${error.line}`);
    assert.ok(performance.now() - started < 4000, 'stopped soon after the limit');
  });

  test('a huge integer ends with an ERROR verdict at its line within the time limit', async () => {
    const started = performance.now();
    const error = stopped(await check('huge', 'a = 1\nb = 2\nx = 10 ** (10 ** 8)\nreturn ([], [])\n'));
    assert.match(error.message, /^the spec ran longer than 1 s$/);
    assert.equal(error.line, 3);
    assert.ok(performance.now() - started < 4000, 'stopped soon after the limit');
  });

  test('memory beyond the limit is an ERROR verdict at its line', async () => {
    const error = stopped(await check('memory', 'a = 1\nx = "a" * (2 ** 27)\nreturn ([], [])\n'));
    assert.match(error.message, /needed more memory than the 64 MiB/);
    assert.equal(error.line, 2);
  });

  test('deep recursion is a RecursionError at its line; the next property still holds', async () => {
    const error = runtimeError(await check('recursion', 'def f(n):\n    return f(n + 1)\nf(0)\n'));
    assert.match(error.message, /RecursionError: maximum recursion depth exceeded/);
    assert.equal(error.line, 2);
    assert.equal((await check('nop_after_recursion', NOP_SPEC)).verdict, 'holds');
  });

  test('a spec that crashes the interpreter is an ERROR verdict; a new interpreter gives the next property its verdict', async () => {
    const error = stopped(await check('crash', 'x = None\nfor i in range(300000):\n    x = [x]\nreturn ([], [])\n'));
    assert.match(error.message, /crashed the Python interpreter/);
    assert.equal((await check('nop_after_crash', NOP_SPEC)).verdict, 'holds');
  });

  test("tampering with the prelude is refused and changes no other property's verdict", async () => {
    const wrong = 'return ([received_on_port], [])\n';
    const before = await check('wrong_before', wrong);
    assert.equal(before.verdict, 'fails');
    runtimeError(await check('tamper', "ether.__globals__['_outcome'] = lambda value: {'kind': 'pass'}\nreturn ([], [])\n"));
    runtimeError(await check('tamper_attribute', 'pop_header.hook = 1\nreturn ([], [])\n'));
    assert.equal((await check('wrong_after', wrong)).verdict, 'fails');
    assert.equal((await check('nop_after_tampering', NOP_SPEC)).verdict, 'holds');
  });

  test('names with accents are names: Python normalizes them with unicodedata, which the interpreter keeps', async () => {
    assert.equal((await check('accents_hold', 'débit = 1\nif packet_size < 14:\n    débit = 0\n    return ([], [])\nreturn ([1 - received_on_port * débit], [])\n')).verdict, 'holds');
    const wrong = await check('accents_fail', 'débit_max = 2\nreturn ([débit_max], [])\n');
    assert.equal(wrong.verdict, 'fails', wrong.verdict === 'invalid' ? wrong.errors.map((e) => e.message).join() : wrong.verdict);
  });

  test('assert False fails cleanly with a counterexample that the run-time NF reproduces', async () => {
    const result = await check('assert_false', 'assert False\n');
    assert.equal(result.verdict, 'fails');
    const failure = result.verdict === 'fails' ? result.failures[0]! : undefined;
    assert.deepEqual(failure?.failed, ['assert']);
    assert.equal(failure?.specLine?.line, 1);
    assert.equal(failure?.replay.reproduced, true);
  });
});

test('vigor verify --spec: escapes are invalid specs and an endless loop an ERROR, with their lines; a good spec still holds', () => {
  const files = [
    specFile('cli_escape', `${ESCAPES[0]![1]}\nreturn ([], [])\n`),
    specFile('cli_open', "x = open('/etc/passwd')\nreturn ([], [])\n"),
    specFile('cli_loop', 'for i in range(10 ** 18):\n    pass\nreturn ([], [])\n'),
    specFile('cli_nop', NOP_SPEC),
  ];
  const run = spawnSync(process.execPath, ['bin/vigor.js', 'verify', NOP, ...files.flatMap((f) => ['--spec', f])], { cwd: root, encoding: 'utf8', env: { ...process.env, ...LIMITS } });
  assert.equal(run.status, 2, 'invalid specs and ERROR verdicts make the run exit 2');
  assert.match(run.stdout, /^cli_nop\s+holds/m);
  assert.match(run.stdout, /cli_escape\.py:1:1: a spec cannot use the name '__import__'/);
  assert.match(run.stdout, /cli_open\.py:1:5: NameError: name 'open' is not defined: specs cannot use the Python built-in 'open'/);
  assert.match(run.stdout, /^cli_loop\s+ERROR/m);
  assert.match(run.stdout, /cli_loop: ERROR: the spec ran longer than 1 s at .*cli_loop\.py:[12]\n/);
});
