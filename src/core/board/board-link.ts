import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The board's links: `<PUBLIC_URL>/board/<access>/`, where `access` is `<channel>.<expiry>.<signature>` — the
 * channel (base64url), when the link expires (Unix seconds) and an HMAC-SHA256 of both with BOARD_SECRET. Every
 * page, image and action of the board sits under that prefix, so relative links carry the access with them and a
 * changed character anywhere in it fails the check.
 */
export interface BoardAccess {
  channelId: string;
  /** Unix time in ms when the link stops working. */
  expiresAt: number;
}

const signatureOf = (secret: string, channelPart: string, expiry: string) =>
  createHmac('sha256', secret).update(`board:${channelPart}.${expiry}`).digest('base64url');

/** The access segment of a link to `channelId`'s board, valid until `expiresAt`. */
export function signBoardAccess(secret: string, channelId: string, expiresAt: number): string {
  const channelPart = Buffer.from(channelId, 'utf8').toString('base64url');
  const expiry = String(Math.floor(expiresAt / 1000));
  return `${channelPart}.${expiry}.${signatureOf(secret, channelPart, expiry)}`;
}

export function boardLink(publicUrl: string, secret: string, channelId: string, expiresAt: number): string {
  return `${publicUrl}/board/${signBoardAccess(secret, channelId, expiresAt)}/`;
}

/** The channel and expiry of a genuine, unexpired access segment; undefined for anything else. */
export function verifyBoardAccess(secret: string, access: string, now: number): BoardAccess | undefined {
  const match = /^([A-Za-z0-9_-]+)\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(access);
  if (!match) return undefined;
  const [, channelPart = '', expiry = '', signature = ''] = match;
  const expected = Buffer.from(signatureOf(secret, channelPart, expiry));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const expiresAt = Number(expiry) * 1000;
  if (expiresAt <= now) return undefined;
  return { channelId: Buffer.from(channelPart, 'base64url').toString('utf8'), expiresAt };
}
