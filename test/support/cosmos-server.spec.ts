import assert from 'node:assert/strict';
import { request } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { Container, CosmosClient } from '@azure/cosmos';
import { createCosmosTestClient, startCosmosServer, type CosmosTestServer } from './cosmos-server';

interface Doc {
  id: string;
  tenantId: string;
  n: number;
  label?: string;
}

const TENANT = '00000000-0000-4000-8000-00000000000a';

describe('test/support/cosmos-server', () => {
  describe('one server', () => {
    let server: CosmosTestServer;
    let client: CosmosClient;
    let container: Container;

    before(async () => {
      server = await startCosmosServer();
      client = createCosmosTestClient(server);
      const { database } = await client.databases.createIfNotExists({ id: 'harness' });
      ({ container } = await database.containers.createIfNotExists({
        id: 'docs',
        partitionKey: { paths: ['/tenantId'] },
      }));
    });

    after(async () => {
      client?.dispose();
      await server?.close();
    });

    it('serves HTTPS on loopback that a client trusts without turning verification off', async () => {
      assert.match(server.endpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(process.env.NODE_TLS_REJECT_UNAUTHORIZED, '0');
      // A client trusting only some other CA must be refused: proof that certificates are checked.
      await assert.rejects(
        httpsGet(server.endpoint, rootCertificates[0]),
        /self[- ]signed|unable to verify|certificate/i,
      );
    });

    it('upserts and reads a document in its partition', async () => {
      await container.items.upsert<Doc>({ id: 'a', tenantId: TENANT, n: 1 });
      const { resource } = await container.item('a', TENANT).read<Doc>();
      assert.equal(resource?.n, 1);
      const missing = await container.item('a', 'another-tenant').read<Doc>();
      assert.equal(missing.statusCode, 404);
    });

    it('replaces with IfMatch and answers 412 to a stale etag', async () => {
      const { resource: created } = await container.items.upsert<Doc>({ id: 'b', tenantId: TENANT, n: 1 });
      const staleEtag = created!._etag;
      const fresh = await container
        .item('b', TENANT)
        .replace<Doc>(
          { id: 'b', tenantId: TENANT, n: 2 },
          { accessCondition: { type: 'IfMatch', condition: staleEtag } },
        );
      assert.equal(fresh.resource?.n, 2);
      assert.notEqual(fresh.etag, staleEtag);

      await assert.rejects(
        container
          .item('b', TENANT)
          .replace<Doc>(
            { id: 'b', tenantId: TENANT, n: 3 },
            { accessCondition: { type: 'IfMatch', condition: staleEtag } },
          ),
        (err: { code?: number }) => err.code === 412,
      );
      const { resource } = await container.item('b', TENANT).read<Doc>();
      assert.equal(resource?.n, 2);
    });

    it('pages a parameterised ORDER BY query with continuation tokens', async () => {
      for (let n = 0; n < 7; n++) {
        await container.items.upsert<Doc>({ id: `q${n}`, tenantId: TENANT, n: 100 + n });
      }
      const query = {
        query: 'SELECT * FROM c WHERE c.tenantId = @t AND c.n >= @min ORDER BY c.n DESC',
        parameters: [
          { name: '@t', value: TENANT },
          { name: '@min', value: 100 },
        ],
      };
      const first = await container.items.query<Doc>(query, { maxItemCount: 3 }).fetchNext();
      assert.deepEqual(
        first.resources.map((d) => d.n),
        [106, 105, 104],
      );
      assert.ok(first.continuationToken, 'a continuation token after the first page');

      // Resume from the token in a new iterator, as a later request (or another process) would.
      const seen = first.resources.map((d) => d.n);
      let token: string | undefined = first.continuationToken;
      while (token) {
        const page = await container.items
          .query<Doc>(query, { maxItemCount: 3, continuationToken: token })
          .fetchNext();
        seen.push(...page.resources.map((d) => d.n));
        token = page.continuationToken;
      }
      assert.deepEqual(seen, [106, 105, 104, 103, 102, 101, 100]);
    });

    it('patches fields of a document', async () => {
      await container.items.upsert<Doc>({ id: 'p', tenantId: TENANT, n: 1 });
      await container.item('p', TENANT).patch<Doc>([
        { op: 'set', path: '/label', value: 'patched' },
        { op: 'incr', path: '/n', value: 4 },
      ]);
      const { resource } = await container.item('p', TENANT).read<Doc>();
      assert.equal(resource?.label, 'patched');
      assert.equal(resource?.n, 5);
    });
  });

  it('starts and stops twice in a row, each time starting empty and freeing its port', async () => {
    const endpoints: string[] = [];
    for (let round = 0; round < 2; round++) {
      const server = await startCosmosServer();
      const client = createCosmosTestClient(server);
      try {
        const { resources } = await client.databases.readAll().fetchAll();
        assert.deepEqual(resources, [], 'a new server holds no databases');
        await client.databases.create({ id: `round-${round}` });
      } finally {
        client.dispose();
        await server.close();
      }
      endpoints.push(server.endpoint);
      await assert.rejects(
        httpsGet(server.endpoint),
        (err: { code?: string }) => err.code === 'ECONNREFUSED',
      );
    }
    assert.equal(endpoints.length, 2);
  });
});

function httpsGet(url: string, ca?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', ca, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
