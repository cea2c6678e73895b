import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite } from './azurite';

describe('test/support/azurite', () => {
  it('serves the development account on loopback, round-trips a blob, then frees port and files', async () => {
    const rounds: { endpoint: string; dataDir: string }[] = [];
    for (let round = 0; round < 2; round++) {
      const azurite = await startAzurite();
      try {
        assert.match(azurite.blobEndpoint, /^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
        const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
        const containers: string[] = [];
        for await (const c of service.listContainers()) containers.push(c.name);
        assert.deepEqual(containers, [], 'a new service holds no containers');

        const container = service.getContainerClient(`round-${round}`);
        await container.create();
        await container.getBlockBlobClient('hello.txt').upload('hello', 5);
        const body = await container.getBlobClient('hello.txt').downloadToBuffer();
        assert.equal(body.toString(), 'hello');
      } finally {
        await azurite.close();
      }
      rounds.push({ endpoint: azurite.blobEndpoint, dataDir: azurite.dataDir });
      assert.equal(existsSync(azurite.dataDir), false, 'its data directory is removed');
      await assert.rejects(
        httpGet(azurite.blobEndpoint),
        (err: { code?: string }) => err.code === 'ECONNREFUSED',
      );
    }
    assert.notEqual(rounds[0]!.dataDir, rounds[1]!.dataDir);
  });

  it('checks Shared Key signatures (a wrong account key is refused)', async () => {
    const azurite = await startAzurite();
    try {
      const wrongKey = Buffer.alloc(64, 7).toString('base64');
      const service = BlobServiceClient.fromConnectionString(
        azurite.connectionString.replace(/AccountKey=[^;]+/, `AccountKey=${wrongKey}`),
      );
      await assert.rejects(service.getContainerClient('nope').create(), (err: { statusCode?: number }) => {
        return err.statusCode === 403;
      });
    } finally {
      await azurite.close();
    }
  });

  it('closing twice is harmless', async () => {
    const azurite = await startAzurite();
    await azurite.close();
    await azurite.close();
    assert.equal(existsSync(azurite.dataDir), false);
  });
});

function httpGet(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
