import { describe, expect, it } from 'vitest';
import { classifyAddress, describeRefusal } from '../../../src/core/net/address-rules.js';

// [address, rule, range] — the first and last address of each range, and one inside.
const refused: [string, string, string][] = [
  ['0.0.0.0', 'unspecified', '0.0.0.0/8'],
  ['0.255.255.255', 'unspecified', '0.0.0.0/8'],
  ['10.0.0.0', 'private', '10.0.0.0/8'],
  ['10.0.0.5', 'private', '10.0.0.0/8'],
  ['10.255.255.255', 'private', '10.0.0.0/8'],
  ['100.64.0.0', 'carrier-grade NAT', '100.64.0.0/10'],
  ['100.127.255.255', 'carrier-grade NAT', '100.64.0.0/10'],
  ['127.0.0.1', 'loopback', '127.0.0.0/8'],
  ['127.255.255.254', 'loopback', '127.0.0.0/8'],
  ['169.254.169.254', 'link-local', '169.254.0.0/16'],
  ['169.254.0.0', 'link-local', '169.254.0.0/16'],
  ['172.16.0.0', 'private', '172.16.0.0/12'],
  ['172.31.255.255', 'private', '172.16.0.0/12'],
  ['192.168.0.1', 'private', '192.168.0.0/16'],
  ['192.168.255.255', 'private', '192.168.0.0/16'],
  ['192.0.0.8', 'reserved', '192.0.0.0/24'],
  ['192.0.2.1', 'reserved', '192.0.2.0/24'],
  ['192.88.99.1', 'reserved', '192.88.99.0/24'],
  ['198.18.0.1', 'reserved', '198.18.0.0/15'],
  ['198.19.255.255', 'reserved', '198.18.0.0/15'],
  ['198.51.100.7', 'reserved', '198.51.100.0/24'],
  ['203.0.113.9', 'reserved', '203.0.113.0/24'],
  ['224.0.0.1', 'multicast', '224.0.0.0/4'],
  ['239.255.255.255', 'multicast', '224.0.0.0/4'],
  ['240.0.0.1', 'reserved', '240.0.0.0/4'],
  ['255.255.255.255', 'reserved', '240.0.0.0/4'],
  ['::', 'unspecified', '::/128'],
  ['::1', 'loopback', '::1/128'],
  ['0:0:0:0:0:0:0:1', 'loopback', '::1/128'],
  ['[::1]', 'loopback', '::1/128'],
  ['::127.0.0.1', 'reserved', '::/96'],
  ['64:ff9b:1::a', 'reserved', '64:ff9b:1::/48'],
  ['100::1', 'reserved', '100::/64'],
  ['2001::1', 'reserved', '2001::/23'],
  ['2001:db8::1', 'reserved', '2001:db8::/32'],
  ['fc00::1', 'private', 'fc00::/7'],
  ['fd12:3456:789a::1', 'private', 'fc00::/7'],
  ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'private', 'fc00::/7'],
  ['fe80::1', 'link-local', 'fe80::/10'],
  ['fe80::1%eth0', 'link-local', 'fe80::/10'],
  ['febf:ffff::1', 'link-local', 'fe80::/10'],
  ['fec0::1', 'private', 'fec0::/10'],
  ['ff02::1', 'multicast', 'ff00::/8'],
  ['FF0E::1', 'multicast', 'ff00::/8'],
];

// [address, rule, IPv4 range, how it was carried]
const embedded: [string, string, string, string][] = [
  ['::ffff:127.0.0.1', 'loopback', '127.0.0.0/8', 'IPv4-mapped'],
  ['::ffff:7f00:1', 'loopback', '127.0.0.0/8', 'IPv4-mapped'],
  ['::FFFF:10.1.2.3', 'private', '10.0.0.0/8', 'IPv4-mapped'],
  ['::ffff:169.254.169.254', 'link-local', '169.254.0.0/16', 'IPv4-mapped'],
  ['::ffff:0.0.0.0', 'unspecified', '0.0.0.0/8', 'IPv4-mapped'],
  ['::ffff:100.64.0.1', 'carrier-grade NAT', '100.64.0.0/10', 'IPv4-mapped'],
  ['::ffff:224.0.0.1', 'multicast', '224.0.0.0/4', 'IPv4-mapped'],
  ['0:0:0:0:0:ffff:c0a8:101', 'private', '192.168.0.0/16', 'IPv4-mapped'],
  ['64:ff9b::10.0.0.1', 'private', '10.0.0.0/8', 'NAT64'],
  ['64:ff9b::7f00:1', 'loopback', '127.0.0.0/8', 'NAT64'],
  ['2002:a9fe:a9fe::1', 'link-local', '169.254.0.0/16', '6to4'],
  ['2002:7f00:1::', 'loopback', '127.0.0.0/8', '6to4'],
];

const publicAddresses = [
  '8.8.8.8',
  '1.1.1.1',
  '9.255.255.255',
  '11.0.0.0',
  '100.63.255.255',
  '100.128.0.0',
  '126.255.255.255',
  '128.0.0.0',
  '169.253.255.255',
  '169.255.0.0',
  '172.15.255.255',
  '172.32.0.0',
  '192.167.255.255',
  '192.169.0.0',
  '198.17.255.255',
  '198.20.0.0',
  '223.255.255.255',
  '2606:4700:4700::1111',
  '2a00:1450:4001:82a::200e',
  '::ffff:8.8.8.8',
  '64:ff9b::8.8.8.8',
  '2002:808:808::1',
  '::2:0:0:1',
  'fbff:ffff::1',
  'fe7f::1',
];

describe('classifyAddress', () => {
  it.each(refused)('refuses %s as %s (%s)', (address, rule, range) => {
    expect(classifyAddress(address)).toEqual({ address: address.replace(/^\[|\]$/g, ''), rule, range });
  });

  it.each(embedded)('judges %s by its IPv4 address: %s (%s, %s)', (address, rule, range, how) => {
    expect(classifyAddress(address)).toEqual({ address, rule, range, embedded: how });
  });

  it.each(publicAddresses)('lets %s through', (address) => {
    expect(classifyAddress(address)).toBeUndefined();
  });

  it.each(['localhost', 'images.example.test', '', '999.1.1.1', '1.2.3', '::g'])(
    'refuses %j, which is not an IP address',
    (address) => {
      expect(classifyAddress(address)).toMatchObject({ rule: 'not an IP address' });
    },
  );
});

describe('describeRefusal', () => {
  it.each([
    ['10.0.0.5', '10.0.0.5 is a private address (10.0.0.0/8)'],
    ['0.0.0.0', '0.0.0.0 is an unspecified address (0.0.0.0/8)'],
    ['169.254.169.254', '169.254.169.254 is a link-local address (169.254.0.0/16)'],
    ['100.64.1.1', '100.64.1.1 is a carrier-grade NAT address (100.64.0.0/10)'],
    ['::ffff:127.0.0.1', '::ffff:127.0.0.1 is a loopback address (127.0.0.0/8, IPv4-mapped)'],
    ['fd00::1', 'fd00::1 is a private address (fc00::/7)'],
    ['localhost', 'localhost is not an IP address'],
  ])('describes %s for the operator', (address, text) => {
    const refusal = classifyAddress(address);
    if (refusal === undefined) throw new Error(`${address} was not refused`);
    expect(describeRefusal(refusal)).toBe(text);
  });
});
