import { createClientSecretCredential } from '../../backend/graph/client-secret-credential';
import {
  createTenantGraphSource,
  type PacedTenantGraphSource,
  type TenantGraphSourceOptions,
} from '../../backend/graph/create-tenant-graph-source';
import type { GraphChatMessage } from '../../backend/graph/tenant-graph-source';
import type { DemoScenario } from '../../simulator/entra/demo-apps';
import { DELETED_MESSAGE_READABLE_MS } from '../../simulator/graph/message-visibility';
import type { TruthMessage } from '../../simulator/state/ground-truth';
import type { SimulatorHandle } from '../support/simulator';

/** A graph source for one of the simulator's demo apps, as the backup engine would build it. */
export function sourceFor(
  sim: SimulatorHandle,
  scenario: DemoScenario,
  options: Omit<TenantGraphSourceOptions, 'graphBaseUrl' | 'credential'> = {},
  tenantIdOrDomain?: string,
): PacedTenantGraphSource {
  const app = sim.demoApp(scenario, tenantIdOrDomain);
  const credential = createClientSecretCredential({
    tenantId: app.tenantId,
    appId: app.appId,
    secret: app.secret,
    authorityHost: sim.authorityHost,
  });
  return createTenantGraphSource({ graphBaseUrl: sim.graphBaseUrl, credential, ...options });
}

export async function pagesOf<T>(iterable: AsyncIterable<T[]>): Promise<T[][]> {
  const pages: T[][] = [];
  for await (const page of iterable) pages.push(page);
  return pages;
}

export async function itemsOf<T>(iterable: AsyncIterable<T[]>): Promise<T[]> {
  return (await pagesOf(iterable)).flat();
}

export function messageKey(message: Pick<GraphChatMessage, 'chatId' | 'id'>): string {
  return `${message.chatId}|${message.id}`;
}

/** The messages Graph serves now: all of them but those deleted more than 21 days ago. */
export function readableTruth(sim: SimulatorHandle, tenantId: string): TruthMessage[] {
  const purgedBefore = sim.state.clock.now() - DELETED_MESSAGE_READABLE_MS;
  return [...sim.state.exportTruth(tenantId)].filter((m) => !(m.deleted && m.lastModifiedMs < purgedBefore));
}

/** Rejection of `promise`, or a failure of the test when it settles otherwise. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the read to fail, and it succeeded');
}

/** The users whose chats Graph serves: live and licensed, straight from the simulator's database. */
export function teamsUserIds(sim: SimulatorHandle, tenantIdOrDomain: string): string[] {
  const tenantId = sim.state.findTenant(tenantIdOrDomain)!.id;
  return (
    sim.state.db
      .prepare('SELECT id FROM users WHERE tenant_id = ? AND deleted = 0 AND teams_licensed = 1 ORDER BY id')
      .all(tenantId) as { id: string }[]
  ).map((row) => row.id);
}
