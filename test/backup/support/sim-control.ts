import type { SimulatorHandle } from '../../../simulator/server';

/**
 * The simulator's control API (`/_sim/…`), over HTTPS like any other client: tests change the
 * tenant between backups through it, never through the simulator's objects.
 */
export async function control<T = unknown>(
  sim: SimulatorHandle,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${sim.authorityHost}/_sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} /_sim${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

export function chatPath(tenantId: string, chatId: string): string {
  return `/tenants/${tenantId}/chats/${encodeURIComponent(chatId)}`;
}
