/**
 * The team board's web server: `/board/<access>/…`, where `access` is a signed, expiring grant to one channel
 * (src/core/board/board-link.ts). Anything without a valid grant gets a plain 403 page; every page carries a
 * strict Content-Security-Policy (no inline code: one stylesheet, one script, both served here).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BoardEntry, BoardFilter, BoardIndex } from '../core/board/board-index.js';
import { verifyBoardAccess } from '../core/board/board-link.js';
import type { Logger } from '../core/logger.js';
import type { ImageBlobs } from '../core/store/blobs.js';
import type { Store } from '../core/store/store.js';
import { boardCss, boardIcon, boardJs } from './assets.js';
import { createBoardImages } from './board-images.js';
import { forbiddenPage } from './pages.js';
import { compareView, gridView, treeView, type ViewContext } from './views.js';

export const contentSecurityPolicy =
  "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface BoardServerOptions {
  board: BoardIndex;
  blobs: ImageBlobs;
  store: Store;
  secret: string;
  /** Thumbnails live as long as images (IMAGE_TTL_DAYS). */
  imageTtlMs: number;
  logger: Pick<Logger, 'warn' | 'info'>;
  now?: () => number;
}

const pageHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': contentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function answer(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { ...pageHeaders, ...headers });
  response.end(body);
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > 64 * 1024) break;
  }
  return new URLSearchParams(text);
}

/** Handles `/board/…` requests; false for any other path (the caller answers those). */
export function createBoardHandler(options: BoardServerOptions) {
  const now = options.now ?? Date.now;
  const images = createBoardImages({ blobs: options.blobs, store: options.store });

  async function entryOf(channelId: string, jobId: string): Promise<BoardEntry | undefined> {
    const entry = await options.board.get(jobId);
    return entry?.channelId === channelId ? entry : undefined;
  }

  async function route(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const [, , access = '', ...rest] = url.pathname.split('/');
    const grant = verifyBoardAccess(options.secret, access, now());
    if (!grant) return answer(response, 403, forbiddenPage());
    let path: string[];
    try {
      path = rest.map((part) => decodeURIComponent(part));
    } catch {
      return answer(response, 404, 'Not found.');
    }
    const view: ViewContext = {
      board: options.board,
      channelId: grant.channelId,
      frame: { channelLabel: grant.channelId, linkExpiresAt: grant.expiresAt },
      back: `${url.pathname}${url.search}`,
    };
    const [first = '', second, third] = path;
    if (request.method === 'POST' && first === 'star' && path.length === 1) {
      const [jobId = '', image = '', state = ''] = (await readForm(request)).get('star')?.split(':') ?? [];
      const entry = await entryOf(grant.channelId, jobId);
      const number = Number(image);
      if (entry && Number.isInteger(number) && number >= 1 && number <= entry.images.length) {
        await options.board.setFavourite(jobId, number, 'board', state === 'on');
      }
      const back = url.searchParams.get('back') ?? '';
      const prefix = `/board/${access}/`;
      return answer(response, 303, '', { location: back.startsWith(prefix) ? back : prefix });
    }
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return answer(response, 405, 'Method not allowed');
    if (first === 'assets' && second === 'board.css') {
      return answer(response, 200, boardCss, {
        'content-type': 'text/css; charset=utf-8',
        'cache-control': 'private, max-age=3600',
      });
    }
    if (first === 'assets' && second === 'icon.svg') {
      return answer(response, 200, boardIcon, {
        'content-type': 'image/svg+xml',
        'cache-control': 'private, max-age=86400',
      });
    }
    if (first === 'assets' && second === 'board.js') {
      return answer(response, 200, boardJs, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'private, max-age=3600',
      });
    }
    if ((first === 'thumb' || first === 'image') && second !== undefined && third !== undefined) {
      const entry = await entryOf(grant.channelId, second);
      const image = entry?.images[Number(third) - 1];
      if (!entry || !image) return answer(response, 404, 'No such image on this board.');
      if (first === 'thumb') return images.thumbnail(request, response, image.hash, options.imageTtlMs);
      const download = url.searchParams.has('download') ? `imagine-${entry.jobId}-${third}` : undefined;
      return images.original(request, response, image.hash, download);
    }
    if (first === 'job' && second !== undefined && path.length === 2) {
      const entry = await entryOf(grant.channelId, second);
      if (!entry) return answer(response, 404, 'This image is not on this board (or has expired).');
      const image = Math.min(
        Math.max(1, Number(url.searchParams.get('image') ?? 1) || 1),
        entry.images.length,
      );
      return answer(response, 200, await treeView(view, entry, image));
    }
    if (first === 'compare' && path.length === 1) {
      const picks: { entry: BoardEntry; image: number }[] = [];
      for (const pick of url.searchParams.getAll('pick').slice(0, 5)) {
        const [jobId = '', image = ''] = pick.split(':');
        const entry = await entryOf(grant.channelId, jobId);
        const number = Number(image);
        if (entry && number >= 1 && number <= entry.images.length) picks.push({ entry, image: number });
      }
      return answer(response, 200, await compareView(view, picks));
    }
    if (first === '' && path.length <= 1) {
      const filter: BoardFilter = {
        ...(url.searchParams.get('model') && { model: url.searchParams.get('model') ?? '' }),
        ...(url.searchParams.get('person') && { person: url.searchParams.get('person') ?? '' }),
        ...(url.searchParams.get('q') && { text: url.searchParams.get('q') ?? '' }),
        ...(url.searchParams.get('fav') === '1' && { favouritesOnly: true }),
      };
      const cursor = url.searchParams.get('cursor') ?? undefined;
      return answer(response, 200, await gridView(view, filter, cursor));
    }
    return answer(response, 404, 'Not found.');
  }

  return async function handle(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const url = new URL(request.url ?? '/', 'http://board.invalid');
    if (!url.pathname.startsWith('/board/')) return false;
    try {
      await route(request, response, url);
    } catch (error) {
      options.logger.warn('team board request failed', {
        path: url.pathname.split('/').slice(3).join('/'),
        error: error instanceof Error ? error.message : String(error),
      });
      if (!response.headersSent) answer(response, 500, 'The board could not answer; try again.');
      else response.destroy();
    }
    return true;
  };
}

export interface BoardServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The board on a server of its own (BOARD_PORT). */
export async function startBoardServer(
  options: BoardServerOptions & { host: string; port: number },
): Promise<BoardServer> {
  const handle = createBoardHandler(options);
  const server = createServer((request, response) => {
    void handle(request, response).then((handled) => {
      if (!handled) answer(response, 404, 'Not found.');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
