// The static check of literals in operators' notation (mac("..."), ip("..."), port(80), ethertype(0x0800),
// in_prefix(x, "10.0.0.0/8")) whose arguments are written as constants; prelude.py checks computed ones at run
// time, in the same words.
import type { SyntaxNode } from '@lezer/common';
import type { Problem } from './problem.ts';
import { textOf, type Arguments } from './syntax-tree.ts';
import { ADDRESS_FUNCTIONS } from './vocabulary.ts';

type Check = (argument: Constant) => string | undefined;
type Constant = { kind: 'string'; value: string; source: string } | { kind: 'number'; value: bigint | null; source: string };

const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;
const OCTET = /^\d{1,3}$/;
const PREFIX_LENGTH = /^\d{1,2}$/;

const isIpv4 = (text: string) => {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => OCTET.test(p) && Number(p) <= 255);
};

const text = (name: string, example: string, check: (value: string) => string | undefined): Check => (argument) =>
  argument.kind === 'string' ? check(argument.value) : `${name}(...) takes a string such as ${name}("${example}"), not ${argument.source}`;

const number = (name: string, what: string, high: bigint, example: string): Check => (argument) => {
  if (argument.kind !== 'number' || argument.value === null) return `${name}(...) takes ${what} as a Python integer, such as ${name}(${example}), not ${argument.source}`;
  return argument.value < 0n || argument.value > high ? `${name}(${argument.source}) is not ${what} (0..${high})` : undefined;
};

/** The address written `network/length` must not have bits set past its length; the message says what to write. */
function prefixProblem(prefix: string): string | undefined {
  const [network = '', length, ...rest] = prefix.split('/');
  if (length === undefined || rest.length || !PREFIX_LENGTH.test(length) || Number(length) > 32 || !isIpv4(network)) {
    return `in_prefix(..., "${prefix}") is not an IPv4 prefix: write an address and a length (0..32), e.g. "10.0.0.0/8"`;
  }
  const octets = network.split('.').map(Number);
  const kept = octets.map((octet, at) => octet & (0xff << Math.max(0, Math.min(8, 8 * (at + 1) - Number(length)))) & 0xff);
  if (kept.some((octet, at) => octet !== octets[at])) return `in_prefix(..., "${prefix}") has address bits set past its length ${length}: write "${kept.join('.')}/${length}"`;
  return undefined;
}

/** Per function: the checks of its parameters, in order (absent: any value). */
const CHECKS: Record<keyof typeof ADDRESS_FUNCTIONS, (Check | undefined)[]> = {
  mac: [text('mac', '01:80:c2:00:00:00', (v) => (MAC.test(v) ? undefined : `mac("${v}") is not a MAC address: write six two-digit hexadecimal octets separated by ":", e.g. mac("01:80:c2:00:00:00")`))],
  ip: [text('ip', '10.0.0.1', (v) => (isIpv4(v) ? undefined : `ip("${v}") is not an IPv4 address: write four decimal octets (0..255) separated by ".", e.g. ip("10.0.0.1")`))],
  port: [number('port', 'a TCP/UDP port', 0xffffn, '80')],
  ethertype: [number('ethertype', 'an EtherType', 0xffffn, '0x0800')],
  in_prefix: [undefined, text('in_prefix', '10.0.0.0/8', prefixProblem)],
  is_group: [],
  is_broadcast: [],
};

export function isAddressFunction(name: string): name is keyof typeof ADDRESS_FUNCTIONS {
  return Object.hasOwn(ADDRESS_FUNCTIONS, name);
}

/** Problems of the arguments written as constants (strings and numbers); other arguments are checked at run time. */
export function literalProblems(name: keyof typeof ADDRESS_FUNCTIONS, args: Arguments, source: string): Problem[] {
  return ADDRESS_FUNCTIONS[name].parameters.flatMap((parameter, at) => {
    const node = args.positional[at] ?? args.keywords.find((k) => k.name === parameter)?.value;
    const argument = node && constantOf(node, source);
    const message = argument && CHECKS[name][at]?.(argument);
    return message ? [{ offset: node.from, kind: 'header' as const, message }] : [];
  });
}

/** A plain string or a number written in the text; undefined for anything computed (or an escaped string). */
function constantOf(node: SyntaxNode, source: string): Constant | undefined {
  const written = textOf(node, source);
  if (node.name === 'String') {
    const plain = /^(["'])([^"'\\\n]*)\1$/.exec(written);
    return plain ? { kind: 'string', value: plain[2]!, source: written } : undefined;
  }
  const negated = node.name === 'UnaryExpression' && /^-\s*/.exec(written);
  const digits = negated ? node.lastChild : node;
  if (digits?.name !== 'Number') return undefined;
  const integer = /^(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|\d[\d_]*)$/.test(textOf(digits, source));
  const value = integer ? BigInt(textOf(digits, source).replaceAll('_', '')) : null;
  return { kind: 'number', value: value !== null && negated ? -value : value, source: written };
}
