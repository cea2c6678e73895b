import assert from 'node:assert/strict';
import { ClientSecretCredential } from '@azure/identity';
import { Client, GraphError, PageIterator, type PageCollection } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { GRAPH_RESOURCE } from '../simulator/entra/access-tokens';
import { startTestSimulator, type SimulatorHandle } from './support/simulator';

/**
 * Entra groups as the product meets them: the real @azure/identity and
 * @microsoft/microsoft-graph-client against the simulator's `/groups` routes, the permission
 * they need granted through the control API's admin consent, as an admin grants it in Entra.
 */

const GRAPH_SCOPE = `${GRAPH_RESOURCE}/.default`;
const OK_ROLES = ['Chat.Read.All', 'Chat.ReadWrite.All', 'User.Read.All'];

describe('tenant simulator conformance: Entra groups (real SDKs)', function () {
  this.timeout(60_000);
  let sim: SimulatorHandle;

  before(async () => {
    sim = await startTestSimulator();
  });
  after(async () => {
    await sim?.close();
  });

  /** A client with a credential of its own: a new token cache, so a token issued now. */
  function freshClient(): Client {
    const app = sim.demoApp('ok');
    const credential = new ClientSecretCredential(app.tenantId, app.appId, app.secret, {
      authorityHost: sim.authorityHost,
      disableInstanceDiscovery: true,
    });
    return Client.initWithMiddleware({
      authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes: [GRAPH_SCOPE] }),
      baseUrl: `${sim.authorityHost}/`,
      defaultVersion: 'v1.0',
      customHosts: new Set([new URL(sim.authorityHost).hostname]),
    });
  }

  async function consent(roles: string[]): Promise<void> {
    const app = sim.demoApp('ok');
    const response = await fetch(
      `${sim.authorityHost}/_sim/tenants/${app.tenantId}/apps/${app.appId}/consent`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ roles }),
      },
    );
    assert.equal(response.status, 200, await response.text());
  }

  it('refuses groups with 403 Authorization_RequestDenied until GroupMember.Read.All is consented, to new tokens only', async () => {
    const before = freshClient();
    for (const path of ['/groups', `/groups/${sim.state.listGroups(sim.tenants[0]!.id)[0]!.id}`]) {
      await assert.rejects(before.api(path).get(), (error: unknown) => {
        assert.ok(error instanceof GraphError);
        assert.equal(error.statusCode, 403);
        assert.equal(error.code, 'Authorization_RequestDenied');
        assert.equal(error.message, 'Insufficient privileges to complete the operation.');
        return true;
      });
    }
    await consent([...OK_ROLES, 'GroupMember.Read.All']);
    try {
      // The first client's token was issued before the consent: it keeps its roles until it expires.
      await assert.rejects(
        before.api('/groups').get(),
        (error: unknown) => (error as GraphError).statusCode === 403,
      );
      const after = freshClient();
      const found = (await after
        .api('/groups')
        .filter("displayName eq 'Sales'")
        .select('id,displayName')
        .get()) as { value: { id: string; displayName: string }[] };
      assert.equal(found.value.length, 1);
      const sales = found.value[0]!;
      const group = (await after.api(`/groups/${sales.id}`).get()) as Record<string, unknown>;
      assert.equal(group.displayName, 'Sales');
      assert.equal(group.securityEnabled, true);

      // The OData cast is an advanced query: without its parameters Graph refuses it.
      const cast = `/groups/${sales.id}/transitiveMembers/microsoft.graph.user`;
      await assert.rejects(after.api(cast).select('id').get(), (error: unknown) => {
        assert.ok(error instanceof GraphError);
        assert.equal(error.statusCode, 400);
        assert.equal(error.code, 'Request_UnsupportedQuery');
        return true;
      });
      const first = (await after
        .api(cast)
        .header('ConsistencyLevel', 'eventual')
        .query({ $count: 'true' })
        .select('id')
        .top(1)
        .get()) as PageCollection;
      assert.equal(typeof first['@odata.nextLink'], 'string', 'one member a page, so there are pages');
      const ids: string[] = [];
      const iterator = new PageIterator(
        after,
        first,
        (user: { id: string }) => {
          ids.push(user.id);
          return true;
        },
        { headers: { ConsistencyLevel: 'eventual' } },
      );
      await iterator.iterate();
      const expected = sim.state.transitiveUserIds(sim.tenants[0]!.id, sales.id);
      assert.ok(expected.length >= 2, 'Sales holds a nested group');
      assert.deepEqual(ids, expected);
      assert.equal(first['@odata.count'], expected.length);

      // Another tenant's group is no group here.
      const foreign = sim.state.listGroups(sim.tenants[1]!.id)[0]!;
      await assert.rejects(after.api(`/groups/${foreign.id}`).get(), (error: unknown) => {
        assert.equal((error as GraphError).statusCode, 404);
        assert.equal((error as GraphError).code, 'Request_ResourceNotFound');
        return true;
      });
    } finally {
      await consent(OK_ROLES);
    }
  });
});
