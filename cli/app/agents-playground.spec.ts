import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../backend/observability/logger';
import { startTestSimulator, type SimulatorHandle } from '../../test/support/simulator';
import {
  AGENTS_PLAYGROUND_MISSING,
  AgentsPlaygroundError,
  agentsPlaygroundCli,
  startAgentsPlayground,
  type RunningAgentsPlayground,
} from './agents-playground';
import {
  agentsPlaygroundConfig,
  PLAYGROUND_CONFIG_FILE,
  type PlaygroundTenant,
} from './agents-playground-config';
import {
  agentsPlaygroundBanner,
  simulatedPlaygroundTenant,
  startLocalAgentsPlayground,
  type LocalAgentsPlayground,
} from './local-agents-playground';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const TENANT: PlaygroundTenant = {
  id: '0b7c4c4e-2f0a-4d59-9c1e-7d2f3a4b5c6d',
  user: { id: '1a2b3c4d-0000-4000-8000-000000000001', upn: 'ada@contoso.test', displayName: 'Ada Lovelace' },
  others: [
    { id: '1a2b3c4d-0000-4000-8000-000000000002', upn: 'grace@contoso.test', displayName: 'Grace Hopper' },
  ],
};

describe('Agents Playground launcher (npm start, local mode)', function () {
  this.timeout(90_000);

  let dataDir: string;
  const logger = createLogger({ level: 'silent' });
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'chatvault-playground-launcher-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  describe('the Playground process', () => {
    let playground: RunningAgentsPlayground | undefined;
    let taken: Server | undefined;
    afterEach(async () => {
      await playground?.close();
      playground = undefined;
      await new Promise<void>((resolve) => (taken ? taken.close(() => resolve()) : resolve()));
      taken = undefined;
    });

    it('starts on loopback for the tenant and its person, answers at its URL, and close() frees the port', async () => {
      // The port asked for is taken: it takes another, and says which.
      taken = createServer();
      await new Promise<void>((resolve) => taken!.listen(0, '127.0.0.1', resolve));
      const takenPort = (taken.address() as { port: number }).port;

      playground = await startAgentsPlayground({
        botEndpoint: 'http://127.0.0.1:3978/api/messages',
        dataDir,
        tenant: TENANT,
        logger,
        port: takenPort,
      });
      assert.notEqual(playground.port, takenPort);
      assert.equal(playground.url, `http://127.0.0.1:${playground.port}/`);
      const page = await fetch(playground.url);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      assert.match(await page.text(), /<div id="root">|<script/);

      const config = JSON.parse(
        readFileSync(join(dataDir, 'agents-playground', PLAYGROUND_CONFIG_FILE), 'utf8'),
      ) as { tenantId: string; currentUser: Record<string, string>; users: unknown[] };
      assert.equal(config.tenantId, TENANT.id);
      assert.equal(config.currentUser.aadObjectId, TENANT.user.id);
      assert.equal(config.currentUser.userPrincipleName, TENANT.user.upn);
      assert.equal(config.currentUser.name, TENANT.user.displayName);
      assert.equal(config.users.length, 5);

      // It listens on 127.0.0.1 alone, not on every interface: another address of this machine
      // (127.0.0.2 is one on any Linux, whatever its network) is refused.
      assert.equal(await accepts('127.0.0.1', playground.port), true);
      assert.equal(await accepts('127.0.0.2', playground.port), false, 'it listens beyond 127.0.0.1');

      const port = playground.port;
      await playground.close();
      assert.equal(await accepts('127.0.0.1', port), false, 'the port is free after close()');
      await playground.close(); // a second close is harmless
      playground = undefined;
    });

    it('refuses a bot endpoint that is not on this machine, before starting anything', async () => {
      for (const endpoint of [
        'http://10.0.0.5:3978/api/messages',
        'https://chatvault.example.com/api/messages',
        'http://127.0.0.1.example.com/api/messages',
        'not a url',
      ]) {
        await assert.rejects(
          startAgentsPlayground({ botEndpoint: endpoint, dataDir, tenant: TENANT, logger }),
          (error: unknown) => error instanceof AgentsPlaygroundError && error.reason === 'not_loopback',
          endpoint,
        );
      }
      assert.equal(existsSync(join(dataDir, 'agents-playground')), false);
    });
  });

  it('says how to get the Playground when its package is not installed', () => {
    assert.match(agentsPlaygroundCli() ?? '', /m365agentsplayground[\\/]cli\.js$/);
    const missing = agentsPlaygroundCli(() => {
      throw Object.assign(new Error('Cannot find module'), { code: 'MODULE_NOT_FOUND' });
    });
    assert.equal(missing, undefined);
    assert.match(AGENTS_PLAYGROUND_MISSING, /npm install/);
    assert.match(AGENTS_PLAYGROUND_MISSING, /--omit=dev/);
  });

  describe('the mock Teams context', () => {
    it('is the tenant and its person, with five other people (made up where the tenant has fewer)', () => {
      const config = agentsPlaygroundConfig({ ...TENANT, others: [TENANT.user, ...TENANT.others!] });
      assert.equal(config.tenantId, TENANT.id);
      assert.equal(config.currentUser.aadObjectId, TENANT.user.id);
      assert.equal(config.currentUser.givenName, 'Ada');
      assert.equal(config.currentUser.surname, 'Lovelace');
      assert.equal(config.users.length, 5);
      assert.equal(
        config.users[0].aadObjectId,
        TENANT.others![0]!.id,
        'the current user is not listed twice',
      );
      const ids = [config.currentUser, ...config.users].map((u) => u.aadObjectId);
      assert.equal(new Set(ids).size, 6);
      for (const id of ids) assert.match(id, GUID);
      assert.match(config.team.aadGroupId, GUID);
    });

    describe('on the tenant simulator', () => {
      let sim: SimulatorHandle;
      before(async () => {
        sim = await startTestSimulator();
      });
      after(async () => {
        await sim?.close();
      });

      it("is the simulator's first tenant, used by one of its licensed members", async () => {
        const tenant = await simulatedPlaygroundTenant(sim);
        assert.equal(tenant.id, sim.tenants[0]!.id);
        const user = sim.state.findUser(tenant.id, tenant.user.id);
        assert.ok(user, 'a person of that tenant');
        assert.equal(user.userPrincipalName, tenant.user.upn);
        assert.equal(user.displayName, tenant.user.displayName);
        assert.equal(user.userType, 'Member');
        assert.equal(user.accountEnabled && user.teamsLicensed, true);
        for (const other of tenant.others ?? []) {
          assert.notEqual(other.id, tenant.user.id);
          assert.ok(sim.state.findUser(tenant.id, other.id));
        }
      });

      it('npm start: runs the Playground as that person and says where in the banner, or why not', async () => {
        let local: LocalAgentsPlayground | undefined;
        try {
          local = await startLocalAgentsPlayground({
            botEndpoint: 'http://127.0.0.1:3978/api/messages',
            dataDir,
            simulator: sim,
            logger,
            port: 0,
          });
          assert.equal(local.state, 'running', 'message' in local ? local.message : '');
          assert.equal(local.tenant.id, sim.tenants[0]!.id);
          assert.equal((await fetch(local.url)).status, 200);
          const [line] = agentsPlaygroundBanner(local);
          assert.ok(line?.includes(local.url));
          assert.ok(line?.includes(local.tenant.user.upn));
        } finally {
          if (local?.state === 'running') await local.close();
        }

        const refused = await startLocalAgentsPlayground({
          botEndpoint: 'http://192.0.2.10:3978/api/messages',
          dataDir,
          simulator: sim,
          logger,
        });
        assert.equal(refused.state, 'failed');
        assert.match(agentsPlaygroundBanner(refused)[0]!, /did not start: .*only at a bot on this machine/);
      });
    });
  });
});

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
