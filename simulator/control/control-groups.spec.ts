import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import FindMyWay from 'find-my-way';
import { ManualClock } from '../state/clock';
import { TenantState } from '../state/tenant-state';
import { registerControlRoutes } from './control-routes';

interface GroupView {
  id: string;
  displayName: string;
  members: { id: string; type: 'user' | 'group' }[];
  transitiveUserIds: string[];
}

describe('control API: groups', () => {
  let state: TenantState;
  let server: Server;
  let base: string;

  before(async () => {
    state = new TenantState({ clock: new ManualClock(Date.parse('2025-05-01T08:00:00.000Z')) });
    const router = FindMyWay({ defaultRoute: (_req, res) => ((res.statusCode = 404), res.end()) });
    registerControlRoutes(router, { state });
    server = createServer((req, res) => router.lookup(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_sim`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    state.close();
  });

  async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
  }

  it('adds and removes members between runs, nests groups, and refuses loops and strangers', async () => {
    const tenant = await call<{ id: string }>('POST', '/tenants', {
      domain: 'groups.onmicrosoft.com',
      displayName: 'Groups',
    });
    const t = `/tenants/${tenant.json.id}`;
    const user = async (displayName: string) =>
      (await call<{ id: string }>('POST', `${t}/users`, { displayName })).json.id;
    const [ann, bob, cid] = [await user('Ann Archer'), await user('Bob Baker'), await user('Cid Cole')];

    const team = await call<GroupView>('POST', `${t}/groups`, {
      displayName: 'Team',
      members: [{ userId: ann }],
    });
    assert.equal(team.status, 201);
    const leads = (
      await call<GroupView>('POST', `${t}/groups`, { displayName: 'Leads', members: [{ userId: bob }] })
    ).json;
    const nested = await call<GroupView>('POST', `${t}/groups/${team.json.id}/members`, {
      groupId: leads.id,
    });
    assert.equal(nested.status, 201);
    assert.deepEqual(nested.json.transitiveUserIds.sort(), [ann, bob].sort());

    const added = await call<GroupView>('POST', `${t}/groups/${leads.id}/members`, { userId: cid });
    assert.deepEqual(added.json.transitiveUserIds.sort(), [bob, cid].sort());
    const teamNow = await call<GroupView>('GET', `${t}/groups/${team.json.id}`);
    assert.deepEqual(teamNow.json.transitiveUserIds.sort(), [ann, bob, cid].sort());

    const loop = await call<{ error: { code: string } }>('POST', `${t}/groups/${leads.id}/members`, {
      groupId: team.json.id,
    });
    assert.equal(loop.status, 400);
    assert.equal(loop.json.error.code, 'invalid');
    const twice = await call('POST', `${t}/groups/${leads.id}/members`, { userId: cid });
    assert.equal(twice.status, 409);
    const stranger = await call('POST', `${t}/groups/${leads.id}/members`, {
      userId: '00000000-0000-4000-8000-000000000000',
    });
    assert.equal(stranger.status, 404);

    const removed = await call<GroupView>('DELETE', `${t}/groups/${leads.id}/members/${bob}`);
    assert.deepEqual(removed.json.transitiveUserIds, [cid]);
    assert.equal((await call('DELETE', `${t}/groups/${leads.id}/members/${bob}`)).status, 404);

    assert.equal((await call('DELETE', `${t}/groups/${leads.id}`)).status, 200);
    assert.equal((await call('GET', `${t}/groups/${leads.id}`)).status, 404);
    const listed = await call<GroupView[]>('GET', `${t}/groups`);
    assert.deepEqual(
      listed.json.map((g) => [g.displayName, g.transitiveUserIds]),
      [['Team', [ann]]],
    );
  });
});
