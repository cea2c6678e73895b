import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import type { ConnectionTester, TestRequest, TestVerdict } from '../../backend/connection/connection-tester';
import { ConnectionService } from '../../backend/connection/connection-service';
import { systemClock } from '../../backend/connection/clock';
import { silentLogger } from '../../backend/observability/logger';
import { EnvelopeSealer } from '../../backend/secrets/envelope-sealer';
import { LocalKeyWrapper } from '../../backend/secrets/local-key-wrapper';
import { openSqlite } from '../../backend/store/sqlite/open-sqlite';
import { SqliteConnectionStore } from '../../backend/store/sqlite/sqlite-connection-store';
import { UsageError } from '../usage-error';
import { registerConnectCommand } from './connect';
import type { ConnectionCliDeps } from './connection-cli';
import { registerStatusCommand } from './status';

const TENANT = '2bc09791-95cd-4267-92af-50f8e38327ca';
const APP = 'd0ef0cef-578e-411c-9c3d-3bf4ae424cb7';
const GOOD = 'Qx8~goodGOOD0123456789.abcdefghij_klmnop';

class OneSecretTester implements ConnectionTester {
  seen: TestRequest[] = [];
  async test(request: TestRequest): Promise<TestVerdict> {
    this.seen.push(request);
    const ok = request.secret === GOOD;
    return {
      code: ok ? 'active' : 'invalid_secret',
      stage: ok ? 'graph' : 'token',
      details: {},
      permissions: ok ? ['Chat.Read.All', 'User.Read.All'] : [],
      proof: ok ? 'messages' : 'none',
      durationMs: 1,
    };
  }
}

describe('chatvault connect / status (in process)', () => {
  let db: ReturnType<typeof openSqlite>;
  let service: ConnectionService;
  let tester: OneSecretTester;

  beforeEach(() => {
    db = openSqlite(':memory:');
    tester = new OneSecretTester();
    service = new ConnectionService({
      store: new SqliteConnectionStore(db),
      sealer: new EnvelopeSealer(new LocalKeyWrapper(randomBytes(32))),
      tester,
      clock: systemClock,
      logger: silentLogger(),
    });
  });
  afterEach(() => db.close());

  /** Runs one command line the way cli/main.ts does, returning exit code and output. */
  async function run(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const deps: ConnectionCliDeps = {
      openService: async () => ({ service, close: async () => undefined }),
      stdin: Readable.from([Buffer.from(stdin)]),
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (err += t) },
      operator: () => ({ kind: 'operator', name: 'ops' }),
    };
    const program = new Command('chatvault')
      .exitOverride()
      .configureOutput({ writeOut: () => {}, writeErr: (t) => (err += t) });
    let code = 0;
    registerConnectCommand(deps)(program, (c) => (code = c));
    registerStatusCommand(deps)(program, (c) => (code = c));
    try {
      await program.parseAsync(['node', 'chatvault', ...args]);
    } catch (error) {
      if (error instanceof CommanderError || error instanceof UsageError)
        return { code: 2, out, err: err + String(error) };
      throw error;
    }
    return { code, out, err };
  }

  it('prints one JSON object and exits 0 when the connection is saved', async () => {
    const result = await run(
      ['connect', '--tenant', TENANT, '--app-id', APP, '--secret-stdin', '--json'],
      `${GOOD}\n`,
    );
    assert.equal(result.code, 0);
    assert.deepEqual(JSON.parse(result.out), {
      ok: true,
      code: 'active',
      step: null,
      message: 'Connected: the app can list your users and read their chat messages. Backups can run.',
      permissions: ['Chat.Read.All', 'User.Read.All'],
    });
    assert.equal(tester.seen[0]?.secret, GOOD, 'the newline echo adds is not part of the secret');
  });

  it('exits 3 with the code and step when the test fails', async () => {
    const result = await run(
      ['connect', '--tenant', TENANT, '--app-id', APP, '--secret-stdin', '--json'],
      'wrong~secret~value~0123456789abcdefghijk',
    );
    assert.equal(result.code, 3);
    const json = JSON.parse(result.out);
    assert.deepEqual([json.ok, json.code, json.step], [false, 'invalid_secret', 'setup-5-7']);
    assert.ok(!result.out.includes('wrong~secret'));
  });

  it('exits 3 for input the checks refuse, naming the field', async () => {
    const result = await run(
      ['connect', '--tenant', TENANT, '--app-id', 'not-a-guid', '--secret-stdin'],
      GOOD,
    );
    assert.equal(result.code, 3);
    assert.match(result.out, /^Not saved \(invalid_app_id\): The Application ID must be a GUID/);
    assert.equal(tester.seen.length, 0);
  });

  it('exits 2 on bad usage: no --secret-stdin, a tenant that is not a GUID, a missing option', async () => {
    assert.equal((await run(['connect', '--tenant', TENANT, '--app-id', APP], GOOD)).code, 2);
    assert.equal(
      (await run(['connect', '--tenant', 'contoso', '--app-id', APP, '--secret-stdin'], GOOD)).code,
      2,
    );
    assert.equal((await run(['connect', '--app-id', APP, '--secret-stdin'], GOOD)).code, 2);
    assert.equal(tester.seen.length, 0);
  });

  it('shows the status as JSON and as text, without the secret', async () => {
    await run(['connect', '--tenant', TENANT, '--app-id', APP, '--secret-stdin'], GOOD);
    const json = await run(['status', '--tenant', TENANT, '--json']);
    assert.equal(json.code, 0);
    const view = JSON.parse(json.out);
    assert.equal(view.status, 'active');
    assert.equal(view.connection.secretHint, 'Qx8');
    const text = await run(['status', '--tenant', TENANT.toUpperCase()]);
    assert.match(text.out, /: Active\n/);
    assert.match(text.out, /Secret: Qx8\*{6} saved/);
    for (const output of [json.out, text.out]) assert.ok(!output.includes(GOOD));
  });
});
