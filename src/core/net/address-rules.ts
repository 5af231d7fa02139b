import { isIPv4, isIPv6 } from 'node:net';

/** Why an address is not fetched from: the operator's log names it. */
export type AddressRule =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'carrier-grade NAT'
  | 'multicast'
  | 'reserved'
  | 'not an IP address';

export interface AddressRefusal {
  address: string;
  rule: AddressRule;
  /** The range that matched, in CIDR notation. */
  range: string;
  /** How an IPv4 address was carried inside the IPv6 one, when it was. */
  embedded?: 'IPv4-mapped' | 'NAT64' | '6to4';
}

interface Range {
  cidr: string;
  rule: AddressRule;
}

// IANA special-purpose registries:
// https://www.iana.org/assignments/iana-ipv4-special-registry/ and
// https://www.iana.org/assignments/iana-ipv6-special-registry/
// Every range not globally reachable is refused; "reserved" covers documentation, benchmarking, protocol
// assignments and the like, where no image host lives and where a fetch could reach something internal.
const ipv4Ranges: readonly Range[] = [
  { cidr: '0.0.0.0/8', rule: 'unspecified' },
  { cidr: '10.0.0.0/8', rule: 'private' },
  { cidr: '100.64.0.0/10', rule: 'carrier-grade NAT' },
  { cidr: '127.0.0.0/8', rule: 'loopback' },
  { cidr: '169.254.0.0/16', rule: 'link-local' },
  { cidr: '172.16.0.0/12', rule: 'private' },
  { cidr: '192.0.0.0/24', rule: 'reserved' },
  { cidr: '192.0.2.0/24', rule: 'reserved' },
  { cidr: '192.88.99.0/24', rule: 'reserved' },
  { cidr: '192.168.0.0/16', rule: 'private' },
  { cidr: '198.18.0.0/15', rule: 'reserved' },
  { cidr: '198.51.100.0/24', rule: 'reserved' },
  { cidr: '203.0.113.0/24', rule: 'reserved' },
  { cidr: '224.0.0.0/4', rule: 'multicast' },
  { cidr: '240.0.0.0/4', rule: 'reserved' },
];

const ipv6Ranges: readonly Range[] = [
  { cidr: '::/128', rule: 'unspecified' },
  { cidr: '::1/128', rule: 'loopback' },
  // IPv4-compatible addresses (deprecated); mapped ones (::ffff:0:0/96) are judged by their IPv4 address.
  { cidr: '::/96', rule: 'reserved' },
  { cidr: '64:ff9b:1::/48', rule: 'reserved' },
  { cidr: '100::/64', rule: 'reserved' },
  // IETF protocol assignments, Teredo and benchmarking among them.
  { cidr: '2001::/23', rule: 'reserved' },
  { cidr: '2001:db8::/32', rule: 'reserved' },
  { cidr: '3fff::/20', rule: 'reserved' },
  { cidr: 'fc00::/7', rule: 'private' },
  { cidr: 'fe80::/10', rule: 'link-local' },
  // Site-local (deprecated), private in effect.
  { cidr: 'fec0::/10', rule: 'private' },
  { cidr: 'ff00::/8', rule: 'multicast' },
];

/** IPv6 prefixes that carry an IPv4 address: the connection ends up there, so that address is judged. */
const embeddingPrefixes: readonly {
  cidr: string;
  embedded: NonNullable<AddressRefusal['embedded']>;
  shift: bigint;
}[] = [
  { cidr: '::ffff:0:0/96', embedded: 'IPv4-mapped', shift: 0n },
  { cidr: '64:ff9b::/96', embedded: 'NAT64', shift: 0n },
  { cidr: '2002::/16', embedded: '6to4', shift: 80n },
];

/** `undefined` when the address is public; otherwise the rule that refuses it. Pure: no DNS, no I/O. */
export function classifyAddress(address: string): AddressRefusal | undefined {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  if (isIPv4(bare)) return classifyIpv4(bare, ipv4Value(bare));
  const withoutZone = bare.replace(/%.*$/, '');
  if (!isIPv6(withoutZone)) return { address, rule: 'not an IP address', range: 'none' };
  const value = ipv6Value(withoutZone);
  for (const prefix of embeddingPrefixes) {
    if (!inRange(value, parseCidr(prefix.cidr, 128))) continue;
    const ipv4 = Number((value >> prefix.shift) & 0xffffffffn);
    const refusal = classifyIpv4(bare, ipv4);
    return refusal && { ...refusal, embedded: prefix.embedded };
  }
  const range = ipv6Ranges.find((candidate) => inRange(value, parseCidr(candidate.cidr, 128)));
  return range && { address: bare, rule: range.rule, range: range.cidr };
}

/** One line for an operator: `10.0.0.5 is a private address (10.0.0.0/8)`. */
export function describeRefusal(refusal: AddressRefusal): string {
  if (refusal.rule === 'not an IP address') return `${refusal.address} is not an IP address`;
  const article = /^[aeiou]/.test(refusal.rule) ? 'an' : 'a';
  const where = refusal.embedded ? `${refusal.range}, ${refusal.embedded}` : refusal.range;
  return `${refusal.address} is ${article} ${refusal.rule} address (${where})`;
}

function classifyIpv4(address: string, value: number): AddressRefusal | undefined {
  const range = ipv4Ranges.find((candidate) => inRange(BigInt(value), parseCidr(candidate.cidr, 32)));
  return range && { address, rule: range.rule, range: range.cidr };
}

interface ParsedRange {
  base: bigint;
  mask: bigint;
}

const parsedRanges = new Map<string, ParsedRange>();

function parseCidr(cidr: string, bits: number): ParsedRange {
  const cached = parsedRanges.get(cidr);
  if (cached) return cached;
  const [network = '', length = '0'] = cidr.split('/');
  const base = bits === 32 ? BigInt(ipv4Value(network)) : ipv6Value(network);
  const hostBits = BigInt(bits - Number(length));
  const all = (1n << BigInt(bits)) - 1n;
  const mask = all ^ ((1n << hostBits) - 1n);
  const parsed = { base: base & mask, mask };
  parsedRanges.set(cidr, parsed);
  return parsed;
}

function inRange(value: bigint, range: ParsedRange): boolean {
  return (value & range.mask) === range.base;
}

function ipv4Value(address: string): number {
  return address.split('.').reduce((total, octet) => total * 256 + Number(octet), 0);
}

/** Expects a valid IPv6 address without a zone; a trailing dotted quad is allowed. */
function ipv6Value(address: string): bigint {
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted !== undefined) {
    const ipv4 = ipv4Value(dotted);
    text = `${text.slice(0, -dotted.length)}${(ipv4 >>> 16).toString(16)}:${(ipv4 & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...tailGroups];
  return groups.reduce((total, group) => (total << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}
