import type { App } from '../app.js';
import type { Config } from '../config.js';
import type { Logger } from '../core/logger.js';
import {
  type BoardServer,
  type BoardServerOptions,
  createBoardHandler,
  startBoardServer,
} from './board-server.js';

function serverOptions(app: App, config: Config, logger: Logger): BoardServerOptions | undefined {
  const secret = config.board.secret;
  const board = app.services.board;
  if (secret === undefined || board === undefined) return undefined;
  return {
    board,
    blobs: app.services.blobs,
    store: app.store,
    secret,
    imageTtlMs: config.imageTtlMs,
    logger,
  };
}

/** Slack in HTTP mode serves the board on its PORT when BOARD_PORT is not set. */
export function boardRoutesOnSlackPort(app: App, config: Config, logger: Logger) {
  if (config.board.port !== undefined) return undefined;
  const options = serverOptions(app, config, logger);
  return options === undefined ? undefined : createBoardHandler(options);
}

/** The board's own server on BOARD_HOST:BOARD_PORT, when BOARD_SECRET and BOARD_PORT are set. */
export async function startBoardForApp(
  app: App,
  config: Config,
  logger: Logger,
): Promise<BoardServer | undefined> {
  const options = serverOptions(app, config, logger);
  if (options === undefined || config.board.port === undefined) return undefined;
  const server = await startBoardServer({ ...options, host: config.board.host, port: config.board.port });
  logger.info('team board listening', { url: server.url });
  return server;
}
