import { describe, expect, it } from 'vitest';
import { boardLink, signBoardAccess, verifyBoardAccess } from '../../../src/core/board/board-link.js';

const secret = 'board-link-test-secret';
const now = Date.UTC(2026, 10, 27, 12);
const expiresAt = now + 7 * 24 * 60 * 60 * 1000;

describe('board links', () => {
  it('grants the signed channel until its expiry, to the second', () => {
    const access = signBoardAccess(secret, 'discord:1300000000000000001', expiresAt);
    expect(verifyBoardAccess(secret, access, now)).toStrictEqual({
      channelId: 'discord:1300000000000000001',
      expiresAt: Math.floor(expiresAt / 1000) * 1000,
    });
    expect(verifyBoardAccess(secret, access, Math.floor(expiresAt / 1000) * 1000)).toBeUndefined();
    expect(boardLink('https://imagine.example.com', secret, 'slack:T1/C1', expiresAt)).toMatch(
      /^https:\/\/imagine\.example\.com\/board\/[A-Za-z0-9_-]+\.\d+\.[A-Za-z0-9_-]{43}\/$/,
    );
  });

  it('refuses another channel, a later expiry, a changed signature, another secret and junk', () => {
    const access = signBoardAccess(secret, 'slack:T1/C1', expiresAt);
    const [channel, expiry, signature] = access.split('.');
    const other = Buffer.from('slack:T1/C2').toString('base64url');
    expect(verifyBoardAccess(secret, `${other}.${expiry}.${signature}`, now)).toBeUndefined();
    expect(verifyBoardAccess(secret, `${channel}.${Number(expiry) + 1}.${signature}`, now)).toBeUndefined();
    const flipped = `${signature?.slice(0, -1)}${signature?.endsWith('A') ? 'B' : 'A'}`;
    expect(verifyBoardAccess(secret, `${channel}.${expiry}.${flipped}`, now)).toBeUndefined();
    expect(verifyBoardAccess('another-secret', access, now)).toBeUndefined();
    for (const junk of ['', '..', `${channel}.${expiry}`, `${access}.x`, '../../etc/passwd']) {
      expect(verifyBoardAccess(secret, junk, now)).toBeUndefined();
    }
  });
});
