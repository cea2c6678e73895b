import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import sinon from 'sinon';
import type { SimulatorInfo } from '../../simulator/shell/simulator-info';
import { main } from '../main';

describe('chatvault simulator (in process)', () => {
  const sandbox = sinon.createSandbox();
  let dataDir: string;
  let out: string;
  let err: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'chatvault-cli-sim-'));
    out = '';
    err = '';
    sandbox.stub(process.stdout, 'write').callsFake((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    sandbox.stub(process.stderr, 'write').callsFake((chunk: string | Uint8Array) => {
      err += String(chunk);
      return true;
    });
  });

  afterEach(() => {
    sandbox.restore();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const args = (...more: string[]) => ['node', 'chatvault', 'simulator', '--data-dir', dataDir, ...more];

  it('serves the seeded tenants, describes them, and stops cleanly on SIGTERM', async () => {
    const tlsDir = process.env.CHATVAULT_TEST_TLS_DIR!;
    const running = main(
      args(
        '--tls-dir',
        tlsDir,
        '--users',
        '6',
        '--chats',
        '5',
        '--messages',
        '60',
        '--seed',
        '7',
        '--no-throttle',
      ),
    );
    const infoFile = join(dataDir, 'simulator.json');
    // Seeding the small tenants takes a moment; wait for the file the command writes once it serves.
    let ended = false;
    void running.finally(() => (ended = true));
    for (let i = 0; i < 300 && !ended && !existsSync(infoFile); i++) await sleep(50);
    assert.equal(ended, false, `the command ended early: ${err}`);
    const info = JSON.parse(readFileSync(infoFile, 'utf8')) as SimulatorInfo;

    assert.match(
      out,
      new RegExp(
        `export NODE_EXTRA_CA_CERTS=${join(tlsDir, 'simulator-ca.pem').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
      ),
    );
    assert.match(out, new RegExp(`Graph: +${info.graphBaseUrl.replace(/[.]/g, '\\.')}`));
    assert.match(out, /Throttling: +off/);
    const ok = info.apps.find((app) => app.scenario === 'ok')!;
    assert.ok(out.includes(`${ok.appId}  ${ok.secret}`), out);
    assert.ok(out.includes('6 users, 5 chats, 60 messages'), out);

    const token = await fetch(`${info.authorityHost}/${info.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: ok.appId,
        client_secret: ok.secret,
        scope: 'https://graph.microsoft.com/.default',
      }),
    });
    assert.equal(token.status, 200);

    process.emit('SIGTERM');
    assert.equal(await running, 0);
    assert.match(err, /Stopping/);
    const port = Number(new URL(info.authorityHost).port);
    const probe = createServer();
    await new Promise<void>((resolve, reject) =>
      probe.once('error', reject).listen(port, '127.0.0.1', resolve),
    );
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });

  it('refuses bad numbers and non-loopback hosts with exit code 2', async () => {
    assert.equal(await main(args('--port', 'abc')), 2);
    assert.match(err, /--port must be a whole number/);
    assert.equal(await main(args('--host', '0.0.0.0')), 2);
    assert.match(err, /loopback/);
    assert.equal(await main(args('--users', '1')), 2);
    assert.equal(existsSync(join(dataDir, 'simulator.json')), false);
  });
});
