import assert from 'node:assert/strict';
import { ACTIVE_RUN_CHECKPOINT, RUN_LEASE, userWatermarkKey } from '../../backup/run/active-run';
import { searchTerms } from '../../store/search-text';
import { isRecoveryError } from '../recovery-error';
import { CAPTURES, seedLaunchChat, type LaunchChat } from '../testdata/launch-chat';
import {
  ADMIN,
  inlineImage,
  OTHER_TENANT,
  PEOPLE,
  png,
  recoveryFixture,
  state,
  storeImage,
  TENANT,
  type RecoveryFixture,
} from '../testdata/recovery-fixture';

async function blobHashes(fixture: RecoveryFixture, tenantId: string): Promise<string[]> {
  const hashes: string[] = [];
  for await (const entry of fixture.deps.blobs.list(tenantId)) hashes.push(entry.sha256);
  return hashes.sort();
}

describe('ErasureService', () => {
  let fixture: RecoveryFixture;
  let chat: LaunchChat;
  let ownImage: string;

  beforeEach(async () => {
    fixture = recoveryFixture();
    chat = await seedLaunchChat(fixture);
    await seedLaunchChat(fixture, OTHER_TENANT);
    // Linus posts an image of his own, and the image grace posted too.
    const own = await storeImage(fixture, TENANT, 'b3du', png(10, 220, 10, 6));
    const shared = { ...chat.image, id: 'c2hhcmVk' };
    ownImage = own.sha256;
    await fixture.backup.putMessageVersions(TENANT, [
      state({
        n: 8,
        from: PEOPLE.linus,
        html: `<p>Mine</p>${inlineImage(own, 8)}`,
        hosted: [own],
        capturedAt: CAPTURES[0],
      }),
      state({
        n: 9,
        from: PEOPLE.linus,
        html: `<p>Again</p>${inlineImage(shared, 9)}`,
        hosted: [shared],
        capturedAt: CAPTURES[0],
      }),
    ]);
    await fixture.backup.putCheckpoint(TENANT, userWatermarkKey(PEOPLE.linus.id), { after: CAPTURES[2] });
  });
  afterEach(() => fixture.close());

  it("removes a user's messages, records and the images only they used, and audits it", async () => {
    assert.deepEqual(await blobHashes(fixture, TENANT), [chat.image.sha256, ownImage].sort());
    const report = await fixture.services.erasure.eraseUser(ADMIN, TENANT, 'Linus@contoso.example');
    assert.deepEqual(report, {
      userId: PEOPLE.linus.id,
      messages: 4,
      versions: 5,
      blobsDeleted: 1,
      directory: true,
      memberships: 1,
      chatListings: 1,
      pinned: 0,
      checkpoints: 1,
    });
    // The picture grace also posted stays; the one only linus posted is gone.
    assert.deepEqual(await blobHashes(fixture, TENANT), [chat.image.sha256]);

    const page = await fixture.services.browse.transcript(ADMIN, TENANT, chat.chatId);
    assert.equal(
      page.messages.some((m) => m.sender?.id === PEOPLE.linus.id),
      false,
    );
    assert.deepEqual(
      page.messages.map((m) => m.messageId),
      [0, 1, 2, 4, 5, 6].map((n) => chat.ids[n]),
    );
    assert.deepEqual((await fixture.services.search.search(ADMIN, TENANT, { text: 'secret' })).items, []);
    assert.equal(await fixture.backup.getUser(TENANT, PEOPLE.linus.id), undefined);
    assert.equal(await fixture.backup.getCheckpoint(TENANT, userWatermarkKey(PEOPLE.linus.id)), undefined);
    const listing = (await fixture.backup.getChat(TENANT, chat.chatId))!.raw['members'] as {
      userId: string;
    }[];
    assert.equal(
      listing.some((m) => m.userId === PEOPLE.linus.id),
      false,
    );
    // The event naming linus is grace's and ada's record: it stays, with his name resolved no more.
    assert.equal(
      page.messages.find((m) => m.messageId === chat.ids[4])!.event,
      'Ada Lovelace added someone to the chat and shared all chat history.',
    );

    // Another tenant's linus is untouched.
    assert.ok(await fixture.backup.getUser(OTHER_TENANT, PEOPLE.linus.id));
    assert.equal(
      (await fixture.services.search.search(ADMIN, OTHER_TENANT, { text: 'secret' })).items.length,
      1,
    );
    assert.equal((await blobHashes(fixture, OTHER_TENANT)).length, 1);

    const [event] = (await fixture.audit()).filter((e) => e.action === 'erased');
    assert.equal(event!.subject, PEOPLE.linus.id);
    assert.deepEqual(event!.actor, ADMIN);
    assert.equal(event!.details?.['messages'], 4);

    // Once grace is erased too, her picture has no message left.
    await fixture.services.erasure.eraseUser(ADMIN, TENANT, PEOPLE.grace.id);
    assert.deepEqual(await blobHashes(fixture, TENANT), []);
    assert.equal((await fixture.deps.recovery.listBlobSweeps(TENANT)).length, 0);
  });

  it('erases an id the directory no longer holds, and refuses an unknown UPN', async () => {
    await fixture.backup.putMessageVersions(TENANT, [
      state({
        n: 40,
        from: { id: 'gone-user', name: 'Gone', upn: 'gone@contoso.example' },
        text: 'left long ago',
        capturedAt: CAPTURES[0],
      }),
    ]);
    const report = await fixture.services.erasure.eraseUser(ADMIN, TENANT, 'gone-user');
    assert.equal(report.messages, 1);
    assert.equal(report.directory, false);
    await assert.rejects(
      fixture.services.erasure.eraseUser(ADMIN, TENANT, 'nobody@contoso.example'),
      (e: unknown) => isRecoveryError(e, 'not_found'),
    );
  });

  it('waits for a backup: refused while a run holds the lease or is unfinished', async () => {
    const lease = await fixture.backup.acquireLease(TENANT, RUN_LEASE, 'backup-worker', 60_000);
    assert.ok(lease);
    await assert.rejects(fixture.services.erasure.eraseUser(ADMIN, TENANT, PEOPLE.linus.id), (e: unknown) =>
      isRecoveryError(e, 'backup_running'),
    );
    await fixture.backup.releaseLease(lease);

    const run = await fixture.backup.createRun(TENANT, { trigger: { kind: 'schedule' } });
    await fixture.backup.putCheckpoint(TENANT, ACTIVE_RUN_CHECKPOINT, {
      runId: run.runId,
      phase: 'messages',
    });
    await assert.rejects(fixture.services.erasure.eraseUser(ADMIN, TENANT, PEOPLE.linus.id), (e: unknown) =>
      isRecoveryError(e, 'backup_running'),
    );
    // Nothing was removed, and the lease was given back.
    assert.equal((await fixture.services.search.search(ADMIN, TENANT, { text: 'mine' })).items.length, 1);
    assert.equal(await fixture.backup.getLease(TENANT, RUN_LEASE), undefined);
    await fixture.backup.finishRun(TENANT, run.runId, { outcome: 'succeeded' });
    await fixture.services.erasure.eraseUser(ADMIN, TENANT, PEOPLE.linus.id);
  });
});

describe('RetentionService', () => {
  let fixture: RecoveryFixture;

  beforeEach(() => {
    fixture = recoveryFixture();
  });
  afterEach(() => fixture.close());

  it('keeps everything by default, and removes messages older than the years kept, with their images', async () => {
    const retention = fixture.services.retention;
    const chat = await seedLaunchChat(fixture);
    const twoYears = -2 * 365 * 24 * 60; // minutes before the launch chat's first message
    const oldImage = await storeImage(fixture, TENANT, 'b2xk', png(1, 2, 3, 5));
    await fixture.backup.putMessageVersions(TENANT, [
      state({
        n: twoYears,
        html: `<p>Ancient history</p>${inlineImage(oldImage, twoYears)}`,
        hosted: [oldImage],
        capturedAt: CAPTURES[0],
      }),
      state({ n: twoYears + 1, text: 'Also ancient', capturedAt: CAPTURES[0] }),
      state({ n: twoYears + 1, text: 'Also ancient, edited', modifiedMinutes: 3, capturedAt: CAPTURES[1] }),
    ]);

    assert.deepEqual(await retention.getPolicy(TENANT), { keep: { kind: 'forever' } });
    assert.deepEqual(await retention.apply(TENANT), {
      keep: { kind: 'forever' },
      messages: 0,
      versions: 0,
      blobsDeleted: 0,
    });

    await assert.rejects(
      retention.setPolicy(ADMIN, TENANT, { kind: 'years', years: 0 }),
      (e: unknown) => isRecoveryError(e, 'invalid_input') && e.field === 'years',
    );
    const policy = await retention.setPolicy(ADMIN, TENANT, { kind: 'years', years: 1 });
    assert.equal(policy.updatedAt, '2026-06-10T00:00:00.000Z');
    assert.deepEqual((await retention.getPolicy(TENANT)).keep, { kind: 'years', years: 1 });
    assert.deepEqual((await retention.getPolicy(OTHER_TENANT)).keep, { kind: 'forever' });

    const run = await retention.apply(TENANT);
    assert.deepEqual(run, {
      keep: { kind: 'years', years: 1 },
      cutoff: '2025-06-10T00:00:00.000Z',
      messages: 2,
      versions: 3,
      blobsDeleted: 1,
    });
    assert.deepEqual(await blobHashes(fixture, TENANT), [chat.image.sha256]);
    const index = await fixture.deps.recovery.searchMessages(TENANT, {
      terms: searchTerms('ancient'),
      prefix: false,
      limit: 10,
    });
    assert.deepEqual(index.items, []);
    assert.equal((await fixture.services.browse.transcript(ADMIN, TENANT, chat.chatId)).messages.length, 8);

    const events = (await fixture.audit()).filter((e) => e.action !== 'browsed').reverse();
    assert.deepEqual(
      events.map((e) => [e.action, e.subject, e.details?.['to'] ?? e.details?.['messages']]),
      [
        ['retention_changed', undefined, '1 years'],
        ['erased', 'retention', 2],
      ],
    );
    assert.deepEqual(events[1]!.actor, { kind: 'system', name: 'retention' });
  });
});
