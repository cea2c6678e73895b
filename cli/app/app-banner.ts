import { describeSimulator } from '../simulator-description';
import { agentsPlaygroundBanner } from './local-agents-playground';
import type { RunningApp } from './start-app';

/** What `chatvault start` prints: every URL a person needs, and on the simulator its demo apps. */
export function appBanner(app: RunningApp): string {
  const { config, http, endpoints, simulator } = app;
  return [
    '',
    'ChatVault is running',
    `  Server:          ${http.url}`,
    `  Health:          ${http.url}/healthz`,
    `  Data:            ${config.dataDir}`,
    `  Store:           ${config.store.kind === 'sqlite' ? `SQLite (${config.store.file})` : `Cosmos DB (${config.store.endpoint})`}`,
    `  Microsoft:       ${simulator ? 'the tenant simulator (below)' : `${endpoints.graphBaseUrl} (configured)`}`,
    `  Teams bot:       ${http.url}/api/messages (${app.bot.mode.kind === 'local' ? 'local mode: unauthenticated, loopback only' : `Bot Framework-authenticated, app ${app.bot.botAppId}`})`,
    ...(app.agentsPlayground ? agentsPlaygroundBanner(app.agentsPlayground) : []),
    `  Personal tab:    ${http.url}/tab/index.html#/credentials`,
    `  Tab API:         ${http.url}/api/v1 (OpenAPI: ${http.url}/api/v1/openapi.json)`,
    '',
    'Connect a tenant app from another terminal, e.g. the demo app that works:',
    '  echo -n <secret> | npx chatvault connect --tenant <tenant id> --app-id <application id> --secret-stdin',
    '',
    simulator ? describeSimulator(simulator, true) : 'Press Ctrl+C to stop.\n',
  ].join('\n');
}
