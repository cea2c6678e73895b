import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestSimulator, type SimulatorHandle } from '../support/simulator';

const ROOT = resolve(__dirname, '..', '..');

/**
 * The real `chatvault` command line in its own process, configured only through the environment,
 * as an operator runs it on the server.
 */
describe('chatvault connect / status (separate process, against the simulator)', function () {
  this.timeout(60_000);

  let sim: SimulatorHandle;
  let dataDir: string;

  before(async () => {
    sim = await startTestSimulator({ throttle: { enabled: false } });
  });
  after(async () => {
    await sim?.close();
  });
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'chatvault-cli-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  function chatvault(
    args: string[],
    stdin = '',
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((done, fail) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          '-e',
          "require('./cli/main').main(process.argv).then((c) => { process.exitCode = c; })",
          'chatvault',
          ...args,
        ],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH,
            NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
            CHATVAULT_ENV: 'cli-connection-test',
            DATA_DIR: dataDir,
            GRAPH_BASE_URL: sim.graphBaseUrl,
            AUTHORITY_HOST: sim.authorityHost,
            LOG_LEVEL: 'debug',
          },
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout, stderr }));
      child.stdin.end(stdin);
    });
  }

  it('connects (exit 0), refuses (exit 3) and rejects bad usage (exit 2), keeping the secret out of every output and file', async () => {
    const ok = sim.demoApp('ok');
    const chatOnly = sim.demoApp('chat_only');

    const connected = await chatvault(
      ['connect', '--tenant', ok.tenantId, '--app-id', ok.appId.toUpperCase(), '--secret-stdin', '--json'],
      `${ok.secret}\n`,
    );
    assert.equal(connected.code, 0, connected.stderr);
    assert.deepEqual(JSON.parse(connected.stdout), {
      ok: true,
      code: 'active',
      step: null,
      message: 'Connected: the app can list your users and read their chat messages. Backups can run.',
      permissions: ['Chat.Read.All', 'Chat.ReadWrite.All', 'User.Read.All'],
    });

    const refused = await chatvault(
      ['connect', '--tenant', ok.tenantId, '--app-id', chatOnly.appId, '--secret-stdin', '--json'],
      chatOnly.secret,
    );
    assert.equal(refused.code, 3, refused.stderr);
    const result = JSON.parse(refused.stdout);
    assert.deepEqual(
      [result.ok, result.code, result.step, result.permissions],
      [false, 'permission_missing', 'setup-8-11', ['Chat.Read.All', 'Chat.ReadWrite.All']],
    );
    assert.match(result.message, /User\.Read\.All/);

    const usage = await chatvault(['connect', '--tenant', ok.tenantId, '--app-id', ok.appId], ok.secret);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--secret-stdin/);

    const status = await chatvault(['status', '--tenant', ok.tenantId, '--json']);
    assert.equal(status.code, 0, status.stderr);
    const view = JSON.parse(status.stdout);
    assert.equal(view.status, 'active');
    assert.equal(view.connection.appId, ok.appId);
    assert.equal(view.connection.secretHint, ok.secret.slice(0, 3));
    assert.equal(view.lastAttempt.code, 'permission_missing');

    const key = join(dataDir, 'sealing.key');
    if (process.platform !== 'win32') assert.equal(statSync(key).mode & 0o777, 0o600);
    for (const output of [connected, refused, usage, status]) {
      for (const secret of [ok.secret, chatOnly.secret])
        assert.ok(!output.stdout.includes(secret) && !output.stderr.includes(secret));
    }
    for (const name of readdirSync(dataDir)) {
      const bytes = readFileSync(join(dataDir, name));
      for (const secret of [ok.secret, chatOnly.secret])
        assert.ok(!bytes.includes(Buffer.from(secret)), `secret stored in ${name}`);
    }
  });
});
