import { startRealTabServer } from './real-tab-server';

/** A server with the built tab at /tab/ and an API behind it, as the browser tests need it. */
export interface TabTestServer {
  url: string;
  /** The demo user who connects the tenant app (and so becomes its first admin). */
  adminName: string;
  adminUpn: string;
  /** Another demo user of the same tenant, not an admin unless a test makes them one. */
  memberName: string;
  memberUpn: string;
  apps: { ok: AppCredentials; consentMissing: AppCredentials };
  /** Keeps the next run in progress until `releaseRuns` (so a test sees it under way, whatever its speed). */
  holdRuns(): void;
  releaseRuns(): void;
  /** Resolves once the backup engine has seen a cancel request (and so stops its held workers when released). */
  cancelNoticed(): Promise<void>;
  close(): Promise<void>;
}

export interface AppCredentials {
  appId: string;
  secret: string;
}

/** The server the browser tests run against: the real tab API over the real services and the tenant simulator. */
export async function startTabServer(): Promise<TabTestServer> {
  return startRealTabServer();
}

async function post(server: TabTestServer, path: string, body: unknown, token?: string) {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`POST ${path}: HTTP ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** A token for a demo user, as the demo sign-in gets it (Teams would hand the page one like it). */
export async function demoToken(server: TabTestServer, upn: string): Promise<string> {
  return ((await post(server, '/demo/token', { upn })) as { token: string }).token;
}

/** Connects the tenant app through the API as the admin, as a page would (before a test that needs it). */
export async function connectTenant(server: TabTestServer): Promise<void> {
  const report = await post(server, '/connection', server.apps.ok, await demoToken(server, server.adminUpn));
  if (report.ok !== true) throw new Error(`the test app did not connect: ${JSON.stringify(report)}`);
}
