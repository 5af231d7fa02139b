import type { App } from '../app.js';
import type { Config } from '../config.js';
import type { Logger } from '../core/logger.js';
import { type OperatorServer, startOperatorServer } from '../core/observe/operator-server.js';

/**
 * `start` and `worker` serve /healthz, /readyz and /metrics on METRICS_HOST:METRICS_PORT from before their front
 * ends connect (readiness says "starting" meanwhile). When the port cannot be had, the app is closed and the
 * start stops with one line naming METRICS_PORT.
 */
export async function startOperatorEndpoints(
  app: App,
  config: Config,
  logger: Logger,
): Promise<OperatorServer> {
  let server: OperatorServer;
  try {
    server = await startOperatorServer({
      ...config.metrics,
      readiness: app.readiness,
      metrics: app.metrics,
      logger,
    });
  } catch (error) {
    await app.close();
    throw error;
  }
  logger.info('operator endpoints listening', {
    url: server.url,
    endpoints: ['/healthz', '/readyz', '/metrics'],
  });
  return server;
}
