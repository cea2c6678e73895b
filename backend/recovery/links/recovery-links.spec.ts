import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ManualClock } from '../../../test/support/manual-clock';
import type { ExportRequest } from '../export/export-service';
import { attachmentDisposition, prepareExportLink } from './export-links';
import {
  DOWNLOAD_LINK_SECONDS,
  IMAGE_LINK_SECONDS,
  imageLinkPath,
  RecoveryLinkError,
  RecoveryLinks,
  signedImageUrls,
  type LinkRefusal,
  type UserActor,
} from './recovery-links';

const TENANT = 'aaaaaaaa-0000-4000-8000-000000000001';
const ADA: UserActor = { kind: 'user', id: 'ada-id', name: 'Ada Admin' };
const IMAGE = { chatId: '19:launch@thread.v2', messageId: '1718000000000', sha256: 'ab'.repeat(32) };
const REQUEST: ExportRequest = {
  scope: { kind: 'chat', chatId: IMAGE.chatId },
  format: 'html',
  at: '2026-01-01T00:00:00.000Z',
};

async function refusal(promise: Promise<unknown>): Promise<LinkRefusal> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof RecoveryLinkError, String(error));
    return error.refusal;
  }
  assert.fail('the link was accepted');
}

describe('RecoveryLinks', () => {
  const key = randomBytes(32);
  let clock: ManualClock;
  let links: RecoveryLinks;

  beforeEach(() => {
    clock = new ManualClock('2026-06-10T12:00:00.000Z');
    links = new RecoveryLinks(key, { clock });
  });

  it('opens exactly the image it was made for, for the tenant and admin it names', async () => {
    const { token, expiresAt } = await links.imageToken({ ...IMAGE, tenantId: TENANT, actor: ADA });
    assert.equal(expiresAt, new Date(clock.now().getTime() + IMAGE_LINK_SECONDS * 1000).toISOString());
    assert.deepEqual(await links.verifyImage(token, IMAGE), { ...IMAGE, tenantId: TENANT, actor: ADA });

    assert.equal(await refusal(links.verifyImage(token, { ...IMAGE, sha256: 'cd'.repeat(32) })), 'mismatch');
    assert.equal(
      await refusal(links.verifyImage(token, { ...IMAGE, messageId: '1718000000001' })),
      'mismatch',
    );
    assert.equal(
      await refusal(links.verifyImage(token, { ...IMAGE, chatId: '19:other@thread.v2' })),
      'mismatch',
    );
  });

  it('refuses a missing, tampered, foreign-keyed, expired or other-kind token', async () => {
    const { token } = await links.imageToken({ ...IMAGE, tenantId: TENANT, actor: ADA });
    assert.equal(await refusal(links.verifyImage(undefined, IMAGE)), 'missing');
    assert.equal(await refusal(links.verifyImage('', IMAGE)), 'missing');
    assert.equal(await refusal(links.verifyImage(['a', 'b'], IMAGE)), 'invalid');
    assert.equal(await refusal(links.verifyImage('not.a.jwt', IMAGE)), 'invalid');

    // A bit of the ciphertext flipped (what rewriting a claim would take): GCM's tag no longer holds.
    const parts = token.split('.');
    const ciphertext = Buffer.from(parts[3]!, 'base64url');
    ciphertext[0] = ciphertext[0]! ^ 1;
    parts[3] = ciphertext.toString('base64url');
    assert.equal(await refusal(links.verifyImage(parts.join('.'), IMAGE)), 'invalid');

    const elsewhere = new RecoveryLinks(randomBytes(32), { clock });
    assert.equal(await refusal(elsewhere.verifyImage(token, IMAGE)), 'invalid');

    const download = await links.downloadToken({
      tenantId: TENANT,
      actor: ADA,
      request: REQUEST,
      fileName: 'x.html',
    });
    assert.equal(
      await refusal(links.verifyImage(download.token, IMAGE)),
      'invalid',
      'a download token opens no image',
    );
    assert.equal(await refusal(links.verifyDownload(token)), 'invalid', 'an image token downloads nothing');

    clock.advance(IMAGE_LINK_SECONDS * 1000 - 1000);
    assert.deepEqual((await links.verifyImage(token, IMAGE)).tenantId, TENANT, 'still good a second before');
    clock.advance(1000);
    assert.equal(await refusal(links.verifyImage(token, IMAGE)), 'expired');
  });

  it('carries an export request, its admin and its file name for 15 minutes', async () => {
    const { token, expiresAt } = await links.downloadToken({
      tenantId: TENANT,
      actor: ADA,
      request: { ...REQUEST, zip: true },
      fileName: 'launch.zip',
    });
    assert.equal(expiresAt, new Date(clock.now().getTime() + DOWNLOAD_LINK_SECONDS * 1000).toISOString());
    assert.deepEqual(await links.verifyDownload(token), {
      tenantId: TENANT,
      actor: ADA,
      request: { ...REQUEST, zip: true },
      fileName: 'launch.zip',
    });
    clock.advance(DOWNLOAD_LINK_SECONDS * 1000);
    assert.equal(await refusal(links.verifyDownload(token)), 'expired');
  });

  it('gives BrowseService image addresses that are signed for the viewer and need no escaping', async () => {
    const url = await signedImageUrls(links)(IMAGE, { tenantId: TENANT, actor: ADA });
    const token = new URL(url, 'https://chatvault.example').searchParams.get('t')!;
    assert.equal(url, imageLinkPath(IMAGE, token));
    assert.ok(
      url.startsWith('/api/v1/recovery/chats/19%3Alaunch%40thread.v2/messages/1718000000000/images/'),
    );
    assert.match(url, /^[A-Za-z0-9/%._?=-]+$/, 'nothing to escape in an HTML attribute');
    assert.deepEqual((await links.verifyImage(token, IMAGE)).actor, ADA);
    // Encrypted: nothing of whose data it opens, or of who asked, can be read off the link.
    const visible = token
      .split('.')
      .map((part) => Buffer.from(part, 'base64url').toString('latin1'))
      .join(' ');
    assert.equal(token.split('.').length, 5, 'a compact JWE');
    assert.ok(!visible.includes(ADA.id) && !visible.includes(TENANT) && !visible.includes(IMAGE.sha256));
  });

  it('prepares a download link only for a request the export service accepts', async () => {
    const plan = async () => ({
      fileName: 'launch.html',
      contentType: 'text/html; charset=utf-8',
      zip: false,
    });
    const link = await prepareExportLink({ exports: { plan }, links }, ADA, TENANT, REQUEST);
    assert.equal(link.fileName, 'launch.html');
    assert.match(link.path, /^\/api\/v1\/recovery\/downloads\?t=[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+$/);
    const granted = await links.verifyDownload(link.path.split('?t=')[1]);
    assert.deepEqual(granted.request, REQUEST);

    const refused = new Error('unknown chat');
    await assert.rejects(
      prepareExportLink({ exports: { plan: () => Promise.reject(refused) }, links }, ADA, TENANT, REQUEST),
      (error) => error === refused,
    );
  });

  it('names an attachment safely, with the exact name beside an ASCII one when it needs more', () => {
    assert.equal(
      attachmentDisposition('2026-06-10-launch-1a2b3c4d.html'),
      'attachment; filename="2026-06-10-launch-1a2b3c4d.html"',
    );
    assert.equal(attachmentDisposition('a"b\\c/d\r\ne.zip'), 'attachment; filename="a_b_c_d_e.zip"');
    assert.equal(
      attachmentDisposition('café plans.zip'),
      `attachment; filename="caf_ plans.zip"; filename*=UTF-8''caf%C3%A9%20plans.zip`,
    );
  });
});
