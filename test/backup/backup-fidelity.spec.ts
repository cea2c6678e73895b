import assert from 'node:assert/strict';
import type { CosmosClient } from '@azure/cosmos';
import type { BlobStore } from '../../backend/blobs/blob-store';
import { AzureBlobStore } from '../../backend/blobs/azure-blob-store';
import type { BackupStore } from '../../backend/store/backup-store';
import { createCosmosBackupStore } from '../../backend/store/cosmos/cosmos-backup-store';
import { openCosmosContainers } from '../../backend/store/cosmos/cosmos-containers';
import { defaultSimulatorTenants } from '../../simulator/seed/seed-options';
import { startAzurite, type AzuriteBlobService } from '../support/azurite';
import { createCosmosTestClient, startCosmosServer, type CosmosTestServer } from '../support/cosmos-server';
import { SMALL_TENANT, startTestSimulator, type SimulatorHandle } from '../support/simulator';
import { backupRig, fsBlobs, simulatorGraph, sqliteStore, tempDir } from './support/backup-harness';
import { changeTenant, pickTargets } from './support/tenant-changes';
import { differences, storedMessages, truthSnapshot, type TruthSnapshot } from './support/truth-compare';

/** Big enough for a group chat with an outsider and history to change; every special case is seeded. */
const FIDELITY_TENANT = { users: 12, chats: 24, messages: 900, spanDays: 40 };

interface StoreUnderTest {
  store: BackupStore;
  blobs: BlobStore;
  close(): Promise<void>;
}

const STORES: { name: string; open(): Promise<StoreUnderTest> }[] = [
  {
    name: 'SQLite store, filesystem blobs',
    async open() {
      const tmp = tempDir('chatvault-fidelity-');
      const { store, db } = sqliteStore();
      return {
        store,
        blobs: fsBlobs(tmp.dir),
        async close() {
          db.close();
          tmp.remove();
        },
      };
    },
  },
  {
    name: 'Cosmos DB store, Azure blobs',
    async open() {
      const server: CosmosTestServer = await startCosmosServer();
      const client: CosmosClient = createCosmosTestClient(server);
      const azurite: AzuriteBlobService = await startAzurite();
      const containers = await openCosmosContainers(client, 'fidelity');
      return {
        store: createCosmosBackupStore(containers),
        blobs: AzureBlobStore.fromConnectionString(azurite.connectionString, 'fidelity'),
        async close() {
          client.dispose();
          await server.close();
          await azurite.close();
        },
      };
    },
  },
];

describe('backup fidelity: the store equals the tenant simulator ground truth', function () {
  // The in-memory Cosmos DB server is CPU-bound: three backups on it take minutes on a busy 2-core machine.
  this.timeout(600_000);
  let sim: SimulatorHandle;

  beforeEach(async () => {
    sim = await startTestSimulator({
      tenants: defaultSimulatorTenants({ contoso: FIDELITY_TENANT, fabrikam: SMALL_TENANT }),
    });
  });
  afterEach(async () => {
    await sim?.close();
  });

  for (const kind of STORES) {
    it(`keeps every message, version, deletion and hosted content across three backups (${kind.name})`, async () => {
      const under = await kind.open();
      const tenantId = sim.tenants[0]!.id;
      const rig = backupRig({ graph: simulatorGraph(sim, tenantId), store: under.store, blobs: under.blobs });
      try {
        const picks = pickTargets(sim, tenantId);
        const seen: TruthSnapshot[] = [];
        const backup = async () => {
          const result = await (await rig.service.startRun(tenantId, { trigger: { kind: 'cli' } })).done;
          seen.push(truthSnapshot(sim, tenantId));
          return result;
        };

        const first = await backup();
        assert.equal(first.mode, 'full');
        assert.equal(first.run.outcome, 'succeeded', JSON.stringify(first.run.errors));
        assert.deepEqual(await differences({ sim, tenantId, ...under, seenAtBackups: seen }), []);

        await changeTenant(sim, picks, 0);
        const second = await backup();
        assert.equal(second.mode, 'incremental');
        assert.equal(second.run.outcome, 'succeeded', JSON.stringify(second.run.errors));
        // Three new messages in the group chat, one in the new chat; one edit, one reaction change.
        assert.equal(second.run.counters.messagesNew >= 4, true);
        assert.equal(second.run.counters.messagesDeleted, 1);

        await changeTenant(sim, picks, 1);
        const third = await backup();
        assert.equal(third.run.outcome, 'succeeded', JSON.stringify(third.run.errors));
        assert.equal(third.run.counters.messagesDeleted, 2);

        assert.deepEqual(await differences({ sim, tenantId, ...under, seenAtBackups: seen }), []);

        // A message edited, then deleted: the original, the edit and the deletion are all kept.
        const twice = picks.messages[0]!;
        const stored = await storedMessages(under.store, tenantId);
        const versions = stored.versions.get(`${picks.groupChatId}|${twice}`)!;
        assert.equal(versions.length, 3);
        assert.equal(versions.filter((v) => v.deletedDateTime !== null).length, 1);
        const head = (await under.store.getMessageHeads(tenantId, picks.groupChatId, [twice])).get(twice)!;
        assert.equal(head.deleted, true);
        assert.ok(head.firstSeenDeletedAt);

        // Membership: the outsider joined at the second backup and left by the third.
        const members = await under.store.getMembers(tenantId, picks.groupChatId);
        const outsider = members.find((m) => m.userId === picks.outsider)!;
        assert.equal(outsider.present, false);
        assert.equal(outsider.periods.length, 1);
        assert.ok(outsider.periods[0]!.leftSeenAt);
        const truthMembers = new Set(sim.state.listMembers(tenantId, picks.groupChatId).map((m) => m.userId));
        assert.deepEqual(new Set(members.filter((m) => m.present).map((m) => m.userId)), truthMembers);

        // Topic changes, and the pinned message of each round.
        const chat = await under.store.getChat(tenantId, picks.groupChatId);
        assert.deepEqual(
          chat!.topicHistory.slice(-2).map((t) => t.topic),
          ['Renamed in round 0', 'Renamed in round 1'],
        );
        const pins = await under.store.getPinnedMessages(tenantId, picks.groupChatId);
        const truthPins = (
          sim.state.db
            .prepare('SELECT message_id FROM pinned_messages WHERE tenant_id = ? AND chat_id = ?')
            .all(tenantId, picks.groupChatId) as { message_id: string }[]
        ).map((p) => p.message_id);
        assert.deepEqual(new Set(pins!.pinned.map((p) => p.messageId)), new Set(truthPins));

        // Hosted contents: each distinct image stored once, and nothing else in the blob store.
        const referenced = new Set<string>();
        for (const list of stored.versions.values())
          for (const v of list) for (const h of v.hostedContents) referenced.add(h.sha256);
        const inStore: string[] = [];
        for await (const entry of under.blobs.list(tenantId)) inStore.push(entry.sha256);
        assert.deepEqual(new Set(inStore), referenced);
        assert.equal(inStore.length, referenced.size);

        // Users refused by Graph (no Teams license) are recorded and skipped, never a failure.
        const unlicensed = (await under.store.listUsers(tenantId, { limit: 1000 })).items.filter(
          (u) => u.state === 'unlicensed',
        );
        assert.equal(unlicensed.length, sim.state.stats(tenantId).usersUnlicensed);
      } finally {
        await rig.close();
        await under.close();
      }
    });
  }
});
