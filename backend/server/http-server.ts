import type { AddressInfo } from 'node:net';
import restify, { type Server } from 'restify';
import type { Logger } from '../observability/logger';

/**
 * The one HTTP server of a ChatVault process. Adapters (the bot at /api/messages, the tab and its
 * API) mount their routes on it through `HttpMount`s, so this module knows none of them.
 */
export type HttpMount = (server: Server) => void;

export interface HttpServerOptions {
  logger: Logger;
  mounts?: readonly HttpMount[];
}

export interface RunningHttpServer {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

export function createHttpServer(options: HttpServerOptions): Server {
  const server = restify.createServer({ name: 'chatvault', handleUncaughtExceptions: false });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(
    restify.plugins.bodyParser({ mapParams: false, maxBodySize: 1024 * 1024, rejectUnknown: false }),
  );
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });
  for (const mount of options.mounts ?? []) mount(server);
  server.on('restifyError', (req, _res, err, callback) => {
    options.logger.warn({ method: req.method, path: req.path(), status: err.statusCode }, 'request failed');
    return callback();
  });
  return server;
}

export async function listen(server: Server, host: string, port: number): Promise<RunningHttpServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    server,
    port: address.port,
    url: `http://${shownHost}:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
