import type { Logger } from '../../backend/observability/logger';
import type { SimulatorHandle } from '../../simulator/server';
import {
  AGENTS_PLAYGROUND_MISSING,
  AgentsPlaygroundError,
  agentsPlaygroundCli,
  startAgentsPlayground,
} from './agents-playground';
import type { PlaygroundPerson, PlaygroundTenant } from './agents-playground-config';

/**
 * `npm start` in local mode on the tenant simulator: the Agents Playground, as a person of the
 * simulated tenant. A convenience: when it is not installed or does not start, ChatVault runs on
 * and the banner says why.
 */
export type LocalAgentsPlayground =
  | { state: 'running'; url: string; tenant: PlaygroundTenant; close(): Promise<void> }
  | { state: 'not_installed' | 'failed'; message: string };

export interface StartLocalAgentsPlaygroundOptions {
  /** The bot's messaging endpoint on loopback: `${http.url}/api/messages`. */
  botEndpoint: string;
  dataDir: string;
  simulator: SimulatorHandle;
  logger: Logger;
  /** 56150 (the Playground's usual port) unless told; a free one when that is taken. */
  port?: number;
}

export async function startLocalAgentsPlayground(
  options: StartLocalAgentsPlaygroundOptions,
): Promise<LocalAgentsPlayground> {
  if (!agentsPlaygroundCli()) return { state: 'not_installed', message: AGENTS_PLAYGROUND_MISSING };
  try {
    const tenant = await simulatedPlaygroundTenant(options.simulator);
    const playground = await startAgentsPlayground({
      botEndpoint: options.botEndpoint,
      dataDir: options.dataDir,
      tenant,
      logger: options.logger,
      ...(options.port !== undefined ? { port: options.port } : {}),
    });
    return { state: 'running', url: playground.url, tenant, close: () => playground.close() };
  } catch (error) {
    const reason = error instanceof AgentsPlaygroundError ? error.reason : (error as Error)?.name;
    options.logger.warn({ reason }, 'the Agents Playground did not start');
    return {
      state: 'failed',
      message: `The Agents Playground did not start: ${(error as Error)?.message ?? String(error)}`,
    };
  }
}

/** The start banner's lines about it. */
export function agentsPlaygroundBanner(playground: LocalAgentsPlayground): string[] {
  if (playground.state !== 'running') return [`  Agents Playground: ${playground.message}`];
  const { user } = playground.tenant;
  return [
    `  Agents Playground: ${playground.url} (Teams stand-in: chat with the bot as ${user.displayName}, ${user.upn})`,
  ];
}

/**
 * The simulated tenant the Playground stands in for Teams of: the simulator's first tenant, used by
 * the first of its people, with the next ones as the group chat's and team's members. People are
 * read the way ChatVault reads any tenant (the tenant's working demo app, then Graph's /users;
 * guests, disabled and unlicensed accounts left out, as they could not use Teams), and their object
 * ids from the simulator's directory.
 */
export async function simulatedPlaygroundTenant(simulator: SimulatorHandle): Promise<PlaygroundTenant> {
  const { graphDemoUsers } =
    require('../../backend/api/demo-sign-in') as typeof import('../../backend/api/demo-sign-in');
  const tenant = simulator.tenants[0];
  if (!tenant) throw new Error('The tenant simulator serves no tenant.');
  const listed = await graphDemoUsers({
    authorityHost: simulator.authorityHost,
    graphBaseUrl: simulator.graphBaseUrl,
    tenants: [{ tenantName: tenant.displayName, ...simulator.demoApp('ok', tenant.id) }],
    perTenant: 12,
  })();
  const people: PlaygroundPerson[] = [];
  for (const listedPerson of listed) {
    const user = simulator.state.findUser(tenant.id, listedPerson.upn);
    // Without a Teams license nobody could talk to a bot in Teams.
    if (user?.teamsLicensed)
      people.push({ id: user.id, upn: user.userPrincipalName, displayName: user.displayName });
  }
  const [user, ...others] = people;
  if (!user) throw new Error(`The simulated tenant ${tenant.domain} has no person who could use Teams.`);
  return { id: tenant.id, user, others };
}
