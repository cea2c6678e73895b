import assert from 'node:assert/strict';
import { startTestSimulator, type SimulatorHandle } from '../support/simulator';
import {
  addPerson,
  backUpNow,
  connectDemoApp,
  simControl,
  startTabApi,
  userToken,
  type ApiAnswer,
  type SimPerson,
  type TabApiHarness,
} from './support/tab-api-harness';

interface Row {
  userId: string;
  displayName: string;
  lastBackedUpAt: string | null;
  inScope: boolean;
  inScopeSince: string | null;
}
interface RowsPage {
  items: Row[];
  total: number;
  cursor?: string;
}

const bodyOf = <T>(answer: ApiAnswer) => answer.body as T;

/**
 * The per-user table's scope columns over the real services and the tenant simulator: who is in
 * the backup scope and since when, filtered and sorted by the server, each tenant on its own.
 */
describe('tab API: the backup scope in the per-user table', function () {
  this.timeout(180_000);
  let sim: SimulatorHandle;
  let api: TabApiHarness;
  let contoso: string;
  let ada: SimPerson;
  let bob: SimPerson;
  let cy: SimPerson;
  let fay: SimPerson;
  let adaToken: string;
  let fayToken: string;

  const rows = async (query = '', token = adaToken): Promise<RowsPage> => {
    const answer = await api.call(
      'GET',
      `/api/v1/users?${query.includes('limit=') ? '' : 'limit=200'}${query}`,
      {
        token,
      },
    );
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return bodyOf<RowsPage>(answer);
  };
  const saveScope = async (mode: string, users: SimPerson[]): Promise<string> => {
    const answer = await api.call('PUT', '/api/v1/scope', {
      token: adaToken,
      body: { mode, users: users.map((p) => p.upn) },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return bodyOf<{ updatedAt: string }>(answer).updatedAt;
  };
  /** Connects the tenant's working app (its author becomes the first admin) and backs it up fully. */
  const connectAndBackUp = async (tenantId: string, token: string) => {
    await connectDemoApp(api, sim, tenantId, token);
    await backUpNow(api, token);
  };

  before(async () => {
    sim = await startTestSimulator();
    contoso = sim.tenants[0]!.id;
    const fabrikam = sim.tenants[1]!.id;
    ada = await addPerson(sim, contoso, 'Ada Admin', 'ada');
    bob = await addPerson(sim, contoso, 'Bob Builder', 'bob');
    cy = await addPerson(sim, contoso, 'Cy Second', 'cy');
    fay = await addPerson(sim, fabrikam, 'Fay Fabrikam', 'fay');
    api = await startTabApi(sim);
    [adaToken, fayToken] = await Promise.all([userToken(sim, ada), userToken(sim, fay)]);
    await connectAndBackUp(contoso, adaToken);
    await connectAndBackUp(fabrikam, fayToken);
  });
  after(async () => {
    await api?.close();
    await sim?.close();
  });

  it('shows everyone in scope from the start while the scope was never changed', async () => {
    const all = await rows();
    const stored = await api.backupStore.listUsers(contoso, { limit: 1000 });
    assert.equal(all.total, stored.items.length);
    assert.ok(all.total > 3, 'the seeded people and the three added ones');
    assert.ok(all.items.every((r) => r.inScope && r.inScopeSince === null));
    assert.equal((await rows('&inScope=false')).total, 0);
  });

  it('with `only` two people, shows exactly them in scope; `allExcept` flips them; listed again, they come in with a date', async () => {
    const everyone = (await rows()).items.map((r) => r.userId).sort();
    const others = everyone.filter((id) => id !== bob.id && id !== cy.id);
    const inScope = (page: RowsPage) =>
      page.items
        .filter((r) => r.inScope)
        .map((r) => r.userId)
        .sort();
    const outOfScope = (page: RowsPage) =>
      page.items
        .filter((r) => !r.inScope)
        .map((r) => r.userId)
        .sort();

    await saveScope('only', [bob, cy]);
    let page = await rows();
    assert.deepEqual(inScope(page), [bob.id, cy.id].sort());
    assert.deepEqual(outOfScope(page), others);
    assert.ok(
      page.items.every((r) => r.inScopeSince === null),
      'the two never left the scope (in it from the start); the others are out of it',
    );
    const bobRow = page.items.find((r) => r.userId === bob.id)!;
    assert.ok(bobRow.lastBackedUpAt, 'the last backup stays beside the scope');

    const flippedAt = await saveScope('allExcept', [bob, cy]);
    page = await rows();
    assert.deepEqual(outOfScope(page), [bob.id, cy.id].sort());
    assert.deepEqual(inScope(page), others);
    for (const row of page.items) {
      assert.equal(row.inScopeSince, row.inScope ? flippedAt : null, row.displayName);
    }

    const backAt = await saveScope('only', [bob, cy]);
    page = await rows();
    assert.deepEqual(inScope(page), [bob.id, cy.id].sort());
    for (const row of page.items) {
      assert.equal(row.inScopeSince, row.inScope ? backAt : null, row.displayName);
    }
    assert.ok(backAt > flippedAt);
  });

  it('filters and sorts by scope on the server, and keeps a cursor to its filter', async () => {
    // Bob came in again at the last save; Cy joins him now, later.
    await saveScope('allExcept', [cy]);
    const cySince = await saveScope('only', [bob, cy]);
    const total = (await rows()).total;

    const inside = await rows('&inScope=true');
    assert.deepEqual(inside.items.map((r) => r.userId).sort(), [bob.id, cy.id].sort());
    assert.equal(inside.total, 2);
    const outside = await rows('&inScope=false');
    assert.equal(outside.total, total - 2);
    assert.ok(outside.items.every((r) => !r.inScope));
    assert.deepEqual(
      (await rows('&inScope=false&filter=cy%20sec')).items,
      [],
      'the text filter and the scope filter both apply',
    );
    assert.deepEqual(
      (await rows('&inScope=true&filter=cy%20sec')).items.map((r) => r.userId),
      [cy.id],
    );

    const ascending = (await rows('&sort=inScope')).items;
    assert.deepEqual(
      ascending.slice(0, 2).map((r) => r.userId),
      [bob.id, cy.id],
      'in scope first, the longest in first',
    );
    assert.equal(ascending[1]!.inScopeSince, cySince);
    assert.ok(ascending.slice(2).every((r) => !r.inScope));
    const descending = (await rows('&sort=inScope&order=desc')).items;
    assert.deepEqual(
      descending.slice(-2).map((r) => r.userId),
      [cy.id, bob.id],
    );

    const first = await rows('&inScope=true&limit=1');
    assert.ok(first.cursor);
    const refused = await api.call('GET', `/api/v1/users?inScope=false&limit=1&cursor=${first.cursor}`, {
      token: adaToken,
    });
    assert.equal(refused.status, 400);
    assert.equal(bodyOf<{ error: { field: string } }>(refused).error.field, 'cursor');
    const bad = await api.call('GET', '/api/v1/users?inScope=yes', { token: adaToken });
    assert.equal(bad.status, 400);
    assert.equal(bodyOf<{ error: { field: string } }>(bad).error.field, 'inScope');
  });

  it("shows another tenant's admin only their own tenant's scope", async () => {
    const theirs = await rows('', fayToken);
    assert.ok(theirs.total > 0, 'their tenant was backed up too');
    assert.ok(theirs.items.some((r) => r.userId === fay.id));
    assert.ok(
      theirs.items.every((r) => r.inScope && r.inScopeSince === null),
      'their scope was never changed',
    );
    const contosoIds = new Set((await rows()).items.map((r) => r.userId));
    assert.ok(theirs.items.every((r) => !contosoIds.has(r.userId)));
    assert.equal((await rows('&inScope=false', fayToken)).total, 0);
  });

  it('takes an Entra group into the scope only once the app may read group members, then shows its members in scope', async () => {
    const groups = (await simControl(sim, 'GET', `/tenants/${contoso}/groups`)) as {
      id: string;
      displayName: string;
      transitiveUserIds: string[];
    }[];
    const engineering = groups.find((g) => g.displayName === 'Engineering');
    assert.ok(engineering && engineering.transitiveUserIds.length > 0, 'the seeded group has members');
    const put = (users: string[]) =>
      api.call('PUT', '/api/v1/scope', { token: adaToken, body: { mode: 'only', users } });

    // The working app has no role that reads group members: refused on the list, nothing saved.
    const before = bodyOf<{ version: number }>(await api.call('GET', '/api/v1/scope', { token: adaToken }));
    const refused = await put(['group:Engineering']);
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    const error = bodyOf<{ error: { field: string; message: string } }>(refused).error;
    assert.equal(error.field, 'users');
    assert.match(error.message, /GroupMember\.Read\.All/);
    assert.match(error.message, /admin consent/);
    const unchanged = bodyOf<{ version: number }>(
      await api.call('GET', '/api/v1/scope', { token: adaToken }),
    );
    assert.equal(unchanged.version, before.version);

    // Consent granted in Entra: the next save sees it (a token issued now), and lists the group.
    const ok = sim.demoApp('ok', contoso);
    await simControl(sim, 'POST', `/tenants/${contoso}/apps/${ok.appId}/consent`, {
      roles: ['Chat.Read.All', 'Chat.ReadWrite.All', 'User.Read.All', 'GroupMember.Read.All'],
    });
    const saved = await put(['group:Engineering']);
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const view = bodyOf<{ groups: { id: string; displayName: string; members: number }[] }>(saved);
    assert.deepEqual(view.groups, [
      { id: engineering.id, displayName: 'Engineering', members: engineering.transitiveUserIds.length },
    ]);

    const inside = await rows('&inScope=true');
    const discovered = new Set((await rows()).items.map((r) => r.userId));
    assert.deepEqual(
      inside.items.map((r) => r.userId).sort(),
      engineering.transitiveUserIds.filter((id) => discovered.has(id)).sort(),
      'exactly the group members the backup knows are in scope',
    );

    // Another tenant's admin cannot name it.
    const theirs = await api.call('PUT', '/api/v1/scope', {
      token: fayToken,
      body: { mode: 'only', users: [`group:${engineering.id}`] },
    });
    assert.equal(theirs.status, 400, JSON.stringify(theirs.body));
    await saveScope('all', []);
  });
});
