import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { API_ROUTES } from '../../backend/api/api-routes';
import type { ChatSummary } from '../../backend/recovery/transcript/chat-view';
import type { TranscriptMessage } from '../../backend/recovery/transcript/message-view';
import type { TranscriptPage } from '../../backend/recovery/browse-service';
import type { ExportService } from '../../backend/recovery/export/export-service';
import type { SearchHit } from '../../backend/recovery/search/search-service';
import { RecoveryLinks } from '../../backend/recovery/links/recovery-links';
import { readZip } from '../../backend/recovery/testdata/read-zip';
import { startTestSimulator, type SimulatorHandle } from '../support/simulator';
import {
  addPerson,
  backUpNow,
  connectDemoApp,
  eventually,
  startTabApi,
  userToken,
  type ApiAnswer,
  type SimPerson,
  type TabApiHarness,
} from './support/tab-api-harness';

interface ErrorBody {
  error: { code: string; message: string; field?: string; reason?: string };
}

const bodyOf = <T>(answer: ApiAnswer) => answer.body as T;

function expectError(
  answer: ApiAnswer,
  status: number,
  code: string,
  extra: { field?: string; reason?: string } = {},
): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  const error = (answer.body as ErrorBody).error;
  assert.equal(error.code, code);
  if (extra.field !== undefined) assert.equal(error.field, extra.field, error.message);
  if (extra.reason !== undefined) assert.equal(error.reason, extra.reason, error.message);
  assert.ok(error.message.length > 10, 'a sentence a person can act on');
}

/** The `src` of every `<img>` of a transcript's HTML. */
const imageSources = (html: string) => [...html.matchAll(/<img[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]!);

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A word of a message's text that search will find (letters only, long enough to be distinctive). */
function wordOf(message: TranscriptMessage): string | undefined {
  const text = message.html.replace(/<[^>]*>/g, ' ');
  return text.match(/\b[a-z]{6,}\b/i)?.[0]?.toLowerCase();
}

describe('tab API: recovery (browse, search, export, retention, erasure)', function () {
  this.timeout(180_000);
  let sim: SimulatorHandle;
  let api: TabApiHarness;
  let contoso: string;
  let ada: SimPerson;
  let bob: SimPerson;
  let cy: SimPerson;
  let fay: SimPerson;
  let adaToken: string;
  let bobToken: string;
  let fayToken: string;
  /** Every chat of contoso's backup, and every message of each (oldest first). */
  let chats: ChatSummary[];
  const messagesOf = new Map<string, TranscriptMessage[]>();

  const get = (path: string, token = adaToken) => api.call('GET', path, { token });
  const post = (path: string, body: unknown, token = adaToken) => api.call('POST', path, { token, body });
  /** A LINK route, as a browser opens it: no Authorization header. */
  const open = (path: string) => api.call('GET', path);

  async function connectAndBackUp(person: SimPerson, token: string): Promise<void> {
    assert.equal((await connectDemoApp(api, sim, person.tenantId, token)).becameAdmin, true);
    await backUpNow(api, token, 'auto');
  }

  before(async () => {
    sim = await startTestSimulator();
    contoso = sim.tenants[0]!.id;
    const fabrikam = sim.tenants[1]!.id;
    ada = await addPerson(sim, contoso, 'Ada Admin', 'ada');
    bob = await addPerson(sim, contoso, 'Bob Builder', 'bob');
    cy = await addPerson(sim, contoso, 'Cy Second', 'cy');
    fay = await addPerson(sim, fabrikam, 'Fay Fabrikam', 'fay');
    api = await startTabApi(sim);
    [adaToken, bobToken, fayToken] = await Promise.all([
      userToken(sim, ada),
      userToken(sim, bob),
      userToken(sim, fay),
    ]);
    await connectAndBackUp(ada, adaToken);
    await connectAndBackUp(fay, fayToken);

    chats = bodyOf<{ items: ChatSummary[] }>(await get('/api/v1/recovery/chats?limit=1000')).items;
    for (const chat of chats) {
      const page = bodyOf<TranscriptPage>(
        await get(
          `/api/v1/recovery/chats/${encodeURIComponent(chat.chatId)}/transcript?start=oldest&limit=200`,
        ),
      );
      assert.equal(page.newer, undefined, 'a small tenant: every chat fits one page');
      messagesOf.set(chat.chatId, page.messages);
    }
  });
  after(async () => {
    await api?.close();
    await sim?.close();
  });

  const transcriptPath = (chatId: string, query = '') =>
    `/api/v1/recovery/chats/${encodeURIComponent(chatId)}/transcript${query}`;
  const allMessages = () => [...messagesOf.values()].flat();

  it('is for admins: 401 without a token, 403 for a person of the tenant who is not one', async () => {
    const chatId = encodeURIComponent(chats[0]!.chatId);
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/v1/recovery/users'],
      ['GET', '/api/v1/recovery/chats'],
      ['GET', `/api/v1/recovery/chats/${chatId}/transcript`],
      ['GET', `/api/v1/recovery/chats/${chatId}/messages/1`],
      ['GET', '/api/v1/recovery/search?text=hello'],
      ['POST', '/api/v1/recovery/exports', { scope: { kind: 'all' }, format: 'json' }],
      ['GET', '/api/v1/recovery/retention'],
      ['PUT', '/api/v1/recovery/retention', { keep: { kind: 'years', years: 1 } }],
      ['POST', '/api/v1/recovery/retention/apply', {}],
      ['POST', '/api/v1/recovery/erasures', { user: bob.upn }],
    ];
    for (const [method, path, body] of routes) {
      expectError(await api.call(method, path, body ? { body } : {}), 401, 'unauthenticated', {
        reason: 'missing_token',
      });
      expectError(
        await api.call(method, path, { token: bobToken, ...(body ? { body } : {}) }),
        403,
        'not_admin',
      );
    }
    assert.deepEqual(bodyOf<{ keep: unknown }>(await get('/api/v1/recovery/retention')).keep, {
      kind: 'forever',
    });
    assert.ok(allMessages().length > 0, 'nothing was erased');
  });

  it("lists the backup's people and chats, one person's chats, page by page", async () => {
    const everyone = bodyOf<{ items: { userId: string }[]; next?: string }>(
      await get('/api/v1/recovery/users?limit=1000'),
    );
    assert.ok(everyone.items.length >= 6, 'the seeded users');
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = bodyOf<{ items: { userId: string }[]; next?: string }>(
        await get(`/api/v1/recovery/users?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
      );
      assert.ok(page.items.length <= 2);
      paged.push(...page.items.map((u) => u.userId));
      cursor = page.next;
    } while (cursor);
    assert.deepEqual(
      paged,
      everyone.items.map((u) => u.userId),
    );

    const listed = new Set(everyone.items.map((u) => u.userId));
    // A guest is a member of a chat without being one of the tenant's people.
    const member = chats[0]!.members.find((m) => listed.has(m.userId))!;
    const theirs = bodyOf<{ items: ChatSummary[] }>(
      await get(`/api/v1/recovery/chats?user=${encodeURIComponent(member.userId)}&limit=1000`),
    );
    assert.ok(theirs.items.some((c) => c.chatId === chats[0]!.chatId));
    assert.ok(theirs.items.every((c) => c.members.some((m) => m.userId === member.userId)));
    expectError(await get(`/api/v1/recovery/chats?user=nobody%40nowhere.example`), 404, 'not_found');
    expectError(await get('/api/v1/recovery/chats?cursor=bm9wZQ'), 400, 'invalid_input', { field: 'cursor' });
    expectError(await get('/api/v1/recovery/users?limit=0'), 400, 'invalid_input', { field: 'limit' });
  });

  it('shows a transcript page by page, around a message, one message, and at a moment', async () => {
    const [chatId, messages] = [...messagesOf].sort((a, b) => b[1].length - a[1].length)[0]!;
    assert.ok(messages.length >= 4, `the busiest chat has ${messages.length} messages`);
    const walked: string[] = [];
    let page = bodyOf<TranscriptPage>(await get(transcriptPath(chatId, '?limit=3')));
    assert.equal(page.newer, undefined, 'the newest page first');
    for (;;) {
      assert.ok(page.messages.length <= 3);
      walked.unshift(...page.messages.map((m) => m.messageId));
      if (!page.older) break;
      page = bodyOf<TranscriptPage>(
        await get(transcriptPath(chatId, `?limit=3&cursor=${encodeURIComponent(page.older)}`)),
      );
    }
    assert.deepEqual(
      walked,
      messages.map((m) => m.messageId),
      'oldest first, nothing skipped or repeated',
    );

    const middle = messages[Math.floor(messages.length / 2)]!;
    const around = bodyOf<TranscriptPage>(
      await get(transcriptPath(chatId, `?around=${encodeURIComponent(middle.messageId)}&limit=3`)),
    );
    assert.equal(around.anchor, middle.messageId);
    assert.deepEqual(
      around.messages.map((m) => m.messageId),
      messages.slice(messages.indexOf(middle) - 1, messages.indexOf(middle) + 2).map((m) => m.messageId),
    );

    const one = bodyOf<TranscriptMessage>(
      await get(
        `/api/v1/recovery/chats/${encodeURIComponent(chatId)}/messages/${encodeURIComponent(middle.messageId)}`,
      ),
    );
    assert.deepEqual({ ...one, html: '' }, { ...middle, html: '' });

    const before = bodyOf<TranscriptPage>(await get(transcriptPath(chatId, '?at=2000-01-01T00:00:00Z')));
    assert.equal(before.at, '2000-01-01T00:00:00.000Z');
    assert.deepEqual(before.messages, [], 'the backup held nothing of it then');
    expectError(await get(transcriptPath(chatId, '?at=yesterday')), 400, 'invalid_input', { field: 'at' });
    expectError(await get(transcriptPath(chatId, '?cursor=bm9wZQ')), 400, 'invalid_input', {
      field: 'cursor',
    });
    expectError(await get(transcriptPath('19:nothing@thread.v2')), 404, 'not_found');

    const audit = bodyOf<{ items: { action: string; actor: { id?: string }; subject?: string }[] }>(
      await get('/api/v1/audit?limit=1'),
    );
    assert.deepEqual(
      audit.items.map((e) => [e.action, e.actor.id]),
      [['browsed', ada.id]],
    );
  });

  it('serves a transcript image only through its signed link: the exact bytes, with safe headers', async () => {
    const withImage = allMessages().find((m) => m.images.length > 0);
    assert.ok(withImage, 'the seed shares inline images');
    const [src] = imageSources(withImage.html);
    assert.ok(src, withImage.html);
    const url = new URL(src, api.url);
    const hash = url.pathname.split('/').pop()!;
    assert.equal(hash, withImage.images[0]);

    const image = await open(`${url.pathname}${url.search}`);
    assert.equal(image.status, 200);
    assert.equal(sha256(image.body as Buffer), hash, 'the bytes the backup stored');
    assert.equal(image.headers.get('content-type'), 'image/png');
    assert.equal(image.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(image.headers.get('content-security-policy'), "default-src 'none'");
    assert.equal(image.headers.get('cache-control'), 'private, max-age=3600');

    const token = url.searchParams.get('t')!;
    expectError(await open(url.pathname), 401, 'unauthenticated', { reason: 'missing_token' });
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expectError(await open(`${url.pathname}?t=${tampered}`), 401, 'unauthenticated', {
      reason: 'invalid_token',
    });

    const links = new RecoveryLinks(api.linkKey, {
      clock: { now: () => new Date(Date.now() - 2 * 3_600_000) },
    });
    const stale = await links.imageToken({
      tenantId: contoso,
      actor: { kind: 'user', id: ada.id },
      chatId: withImage.chatId,
      messageId: withImage.messageId,
      sha256: hash,
    });
    expectError(await open(`${url.pathname}?t=${stale.token}`), 401, 'unauthenticated', {
      reason: 'expired_token',
    });

    // A good link opens its own image only: not the same image through another message.
    const other = allMessages().find(
      (m) => m.chatId === withImage.chatId && m.messageId !== withImage.messageId,
    )!;
    const elsewhere = url.pathname.replace(
      `/messages/${encodeURIComponent(withImage.messageId)}/`,
      `/messages/${encodeURIComponent(other.messageId)}/`,
    );
    assert.notEqual(elsewhere, url.pathname);
    expectError(await open(`${elsewhere}?t=${token}`), 404, 'not_found');
    // Nor does a link the server signed for an image the message does not show.
    const fresh = new RecoveryLinks(api.linkKey);
    const unshown = await fresh.imageToken({
      tenantId: contoso,
      actor: { kind: 'user', id: ada.id },
      chatId: other.chatId,
      messageId: other.messageId,
      sha256: hash,
    });
    if (!other.images.includes(hash))
      expectError(await open(`${elsewhere}?t=${unshown.token}`), 404, 'not_found');
  });

  it("shows another tenant's admin nothing of the first: 404 for its chats, no search hits", async () => {
    const chatId = chats[0]!.chatId;
    const message = messagesOf.get(chatId)![0]!;
    expectError(await get(transcriptPath(chatId), fayToken), 404, 'not_found');
    expectError(
      await get(
        `/api/v1/recovery/chats/${encodeURIComponent(chatId)}/messages/${encodeURIComponent(message.messageId)}`,
        fayToken,
      ),
      404,
      'not_found',
    );
    expectError(
      await post('/api/v1/recovery/exports', { scope: { kind: 'chat', chatId }, format: 'json' }, fayToken),
      404,
      'not_found',
    );
    expectError(
      await get(`/api/v1/recovery/chats?user=${encodeURIComponent(ada.upn)}`, fayToken),
      404,
      'not_found',
    );

    const word = allMessages()
      .map(wordOf)
      .find((w) => w !== undefined)!;
    const ours = bodyOf<{ items: SearchHit[] }>(await get(`/api/v1/recovery/search?text=${word}`));
    assert.ok(ours.items.length > 0, `contoso finds "${word}"`);
    const theirs = bodyOf<{ items: SearchHit[] }>(
      await get(`/api/v1/recovery/search?text=${word}&limit=100`, fayToken),
    );
    const contosoChats = new Set(chats.map((c) => c.chatId));
    assert.deepEqual(
      theirs.items.filter((hit) => contosoChats.has(hit.chatId)),
      [],
    );
    const fabrikamChats = bodyOf<{ items: ChatSummary[] }>(
      await get('/api/v1/recovery/chats?limit=1000', fayToken),
    );
    assert.ok(
      fabrikamChats.items.length > 0 && fabrikamChats.items.every((c) => !contosoChats.has(c.chatId)),
    );
  });

  it('searches every message, and a hit opens its transcript around the message', async () => {
    const target = allMessages().find((m) => wordOf(m) !== undefined)!;
    const word = wordOf(target)!;
    const found = bodyOf<{ items: SearchHit[] }>(
      await get(`/api/v1/recovery/search?text=${word}&chatId=${encodeURIComponent(target.chatId)}&limit=100`),
    );
    const hit = found.items.find((h) => h.messageId === target.messageId);
    assert.ok(hit, `"${word}" finds the message it was taken from`);
    assert.match(hit.snippet.toLowerCase(), new RegExp(word));
    const page = bodyOf<TranscriptPage>(
      await get(transcriptPath(hit.link.chatId, `?around=${encodeURIComponent(hit.link.messageId)}`)),
    );
    assert.equal(page.anchor, target.messageId);
    assert.ok(page.messages.some((m) => m.messageId === target.messageId));

    const audit = bodyOf<{ items: { action: string; actor: { id?: string } }[] }>(
      await get('/api/v1/audit?limit=2'),
    );
    assert.deepEqual(
      audit.items.map((e) => e.action),
      ['browsed', 'searched'],
    );
    expectError(await get('/api/v1/recovery/search'), 400, 'invalid_input', { field: 'text' });
    expectError(await get('/api/v1/recovery/search?text=%21%21%21'), 400, 'invalid_input', { field: 'text' });
    expectError(await get(`/api/v1/recovery/search?text=${word}&from=soon`), 400, 'invalid_input', {
      field: 'from',
    });
    expectError(await get(`/api/v1/recovery/search?text=${word}&cursor=bm9wZQ`), 400, 'invalid_input', {
      field: 'cursor',
    });
  });

  it('exports through a download link: a chat as HTML, a person’s chats as a zip, each audited as exported by the admin', async () => {
    const [chatId, messages] = [...messagesOf].sort((a, b) => b[1].length - a[1].length)[0]!;
    const people = bodyOf<{ items: { userId: string }[] }>(await get('/api/v1/recovery/users?limit=1000'));
    const listed = new Set(people.items.map((u) => u.userId));
    const member = chats.find((c) => c.chatId === chatId)!.members.find((m) => listed.has(m.userId))!;
    const created = await post('/api/v1/recovery/exports', {
      scope: { kind: 'chat', chatId },
      format: 'html',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const link = bodyOf<{ url: string; fileName: string; contentType: string; expiresAt: string }>(created);
    assert.match(link.url, /^\/api\/v1\/recovery\/downloads\?t=[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.match(link.fileName, /\.html$/);
    const minutes = (Date.parse(link.expiresAt) - Date.now()) / 60_000;
    assert.ok(minutes > 10 && minutes <= 15, `good for 15 minutes (${minutes})`);

    const html = await open(link.url);
    assert.equal(html.status, 200);
    assert.equal(html.headers.get('content-type'), link.contentType);
    assert.equal(html.headers.get('content-disposition'), `attachment; filename="${link.fileName}"`);
    const text = (html.body as Buffer).toString('utf8');
    assert.match(text, /^<!doctype html>/i);
    for (const message of messages)
      assert.ok(text.includes(`id="m-${message.messageId}"`), message.messageId);

    const zipLink = bodyOf<{ url: string; fileName: string }>(
      await post('/api/v1/recovery/exports', {
        scope: { kind: 'user', user: member.userId },
        format: 'json',
      }),
    );
    const zip = await open(zipLink.url);
    assert.equal(zip.status, 200);
    assert.equal(zip.headers.get('content-type'), 'application/zip');
    const entries = await readZip(zip.body as Buffer);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString()) as {
      chats: { chatId: string; file: string }[];
    };
    assert.ok(manifest.chats.some((c) => c.chatId === chatId));
    for (const chat of manifest.chats) {
      const document = JSON.parse(entries.get(chat.file)!.toString()) as {
        format: string;
        chat: { chatId: string };
      };
      assert.deepEqual([document.format, document.chat.chatId], ['chatvault-chat-export', chat.chatId]);
    }

    const audit = bodyOf<{
      items: {
        action: string;
        actor: { id?: string };
        subject?: string;
        details?: Record<string, unknown>;
      }[];
    }>(await get('/api/v1/audit?limit=2'));
    assert.deepEqual(
      audit.items.map((e) => [e.action, e.actor.id, e.subject, e.details?.outcome]),
      [
        ['exported', ada.id, member.userId, 'complete'],
        ['exported', ada.id, chatId, 'complete'],
      ],
    );
  });

  it('refuses a malformed export request now, naming the field, and an unknown chat or person with 404', async () => {
    const cases: [unknown, string][] = [
      [{ scope: { kind: 'chat' }, format: 'html' }, 'scope.chatId'],
      [{ scope: { kind: 'team' }, format: 'html' }, 'scope.kind'],
      [{ scope: { kind: 'all' }, format: 'pdf' }, 'format'],
      [{ scope: { kind: 'all' }, format: 'json', zip: 'yes' }, 'zip'],
      [{ scope: { kind: 'all' }, format: 'json', at: 'last week' }, 'at'],
      [{ scope: { kind: 'all' }, format: 'json', to: 'never' }, 'to'],
      [{ scope: { kind: 'all' }, format: 'json', password: 'x' }, 'password'],
      [{ format: 'json' }, 'scope'],
    ];
    for (const [body, field] of cases) {
      expectError(await post('/api/v1/recovery/exports', body), 400, 'invalid_input', { field });
    }
    expectError(
      await post('/api/v1/recovery/exports', {
        scope: { kind: 'chat', chatId: '19:none@thread.v2' },
        format: 'html',
      }),
      404,
      'not_found',
    );
    expectError(
      await post('/api/v1/recovery/exports', {
        scope: { kind: 'user', user: 'ghost@nowhere.example' },
        format: 'html',
      }),
      404,
      'not_found',
    );
    expectError(await open('/api/v1/recovery/downloads'), 401, 'unauthenticated', {
      reason: 'missing_token',
    });
    expectError(await open('/api/v1/recovery/downloads?t=abc.def.ghi'), 401, 'unauthenticated', {
      reason: 'invalid_token',
    });
  });

  it('refuses a download once the admin who asked for it is no longer one', async () => {
    assert.equal((await post('/api/v1/admins', { user: cy.upn })).status, 200);
    const cyToken = await userToken(sim, cy);
    const link = bodyOf<{ url: string }>(
      await post('/api/v1/recovery/exports', { scope: { kind: 'all' }, format: 'json' }, cyToken),
    );
    assert.equal((await api.call('DELETE', `/api/v1/admins/${cy.id}`, { token: adaToken })).status, 200);
    expectError(await open(link.url), 403, 'not_admin');
    const audit = bodyOf<{ items: { action: string }[] }>(await get('/api/v1/audit?limit=1'));
    assert.equal(audit.items[0]?.action, 'admin_removed', 'nothing was exported');
  });

  it('keeps messages for a set number of years, applies it on request, and refuses while a backup runs', async () => {
    expectError(
      await api.call('PUT', '/api/v1/recovery/retention', {
        token: adaToken,
        body: { keep: { kind: 'years', years: 0 } },
      }),
      400,
      'invalid_input',
      { field: 'keep.years' },
    );
    const set = await api.call('PUT', '/api/v1/recovery/retention', {
      token: adaToken,
      body: { keep: { kind: 'years', years: 100 } },
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const policy = bodyOf<{ keep: unknown; updatedBy?: { id?: string } }>(set);
    assert.deepEqual(policy.keep, { kind: 'years', years: 100 });
    assert.equal(policy.updatedBy?.id, ada.id);
    assert.deepEqual(bodyOf<{ keep: unknown }>(await get('/api/v1/recovery/retention')).keep, policy.keep);

    // A run under way holds the tenant: removal waits for it to end.
    api.gate.close();
    try {
      const started = await post('/api/v1/backup/runs', {});
      assert.equal(started.status, 202, JSON.stringify(started.body));
      const busyApply = await post('/api/v1/recovery/retention/apply', {});
      expectError(busyApply, 409, 'conflict', { reason: 'backup_running' });
      const busyErase = await post('/api/v1/recovery/erasures', { user: bob.upn });
      expectError(busyErase, 409, 'conflict', { reason: 'backup_running' });
    } finally {
      api.gate.release();
    }
    await eventually(
      'the run to finish',
      async () => bodyOf<{ active?: unknown }>(await get('/api/v1/backup/status')),
      (s) => s.active === undefined,
    );

    const applied = await post('/api/v1/recovery/retention/apply', {});
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    const run = bodyOf<{ keep: unknown; cutoff?: string; messages: number }>(applied);
    assert.equal(new Date(run.cutoff!).getUTCFullYear(), new Date().getUTCFullYear() - 100);
    assert.equal(run.messages, 0, 'nothing is a hundred years old');
    const audit = bodyOf<{ items: { action: string; subject?: string }[] }>(
      await get('/api/v1/audit?limit=1'),
    );
    assert.deepEqual(
      audit.items.map((e) => [e.action, e.subject]),
      [['erased', 'retention']],
    );
  });

  it("erases one person's backed-up data on request, audited", async () => {
    const sender = allMessages().find(
      (m) => m.kind === 'message' && m.sender?.kind === 'user' && m.sender.id,
    )!.sender!;
    const sent = allMessages().filter((m) => m.sender?.id === sender.id).length;
    const erased = await post('/api/v1/recovery/erasures', { user: sender.id });
    assert.equal(erased.status, 200, JSON.stringify(erased.body));
    const report = bodyOf<{ userId: string; messages: number; directory: boolean }>(erased);
    assert.equal(report.userId, sender.id);
    assert.ok(report.messages >= sent, `${report.messages} of the ${sent} messages seen`);
    for (const [chatId] of messagesOf) {
      const page = bodyOf<TranscriptPage>(await get(transcriptPath(chatId, '?limit=200')));
      assert.ok(!page.messages.some((m) => m.sender?.id === sender.id), 'none of their messages is left');
    }
    const audit = bodyOf<{ items: { action: string; subject?: string }[] }>(
      await get('/api/v1/audit?limit=20'),
    );
    assert.ok(audit.items.some((e) => e.action === 'erased' && e.subject === sender.id));
    expectError(await post('/api/v1/recovery/erasures', { user: 'ghost@nowhere.example' }), 404, 'not_found');
    expectError(await post('/api/v1/recovery/erasures', { user: '' }), 400, 'invalid_input', {
      field: 'user',
    });
  });

  it('documents every recovery route in the OpenAPI document it mounts', async () => {
    const documented = bodyOf<{ paths: Record<string, Record<string, { tags: string[] }>> }>(
      await open('/api/v1/openapi.json'),
    );
    const recovery = Object.entries(documented.paths)
      .flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([, op]) => op.tags.includes('recovery'))
          .map(([method]) => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    const declared = Object.values(API_ROUTES)
      .filter((spec) => spec.tag === 'recovery')
      .map((spec) => `${spec.method} ${spec.path}`)
      .sort();
    assert.deepEqual(recovery, declared);
    assert.equal(recovery.length, 12);
    for (const route of recovery) assert.ok(api.routes().includes(route), `${route} is mounted`);
  });

  describe('without recovery, and with a client that goes away', () => {
    it('answers 503 on the recovery routes of a server that has no recovery', async () => {
      const bare = await startTabApi(sim, { withoutRecovery: true });
      try {
        await bare.admins.claimFirstAdmin(contoso, { userId: ada.id, displayName: ada.displayName });
        expectError(
          await bare.call('GET', '/api/v1/recovery/users', { token: adaToken }),
          503,
          'unavailable',
        );
        expectError(await bare.call('GET', '/api/v1/recovery/downloads?t=a.b.c'), 503, 'unavailable');
        assert.equal(
          (await bare.call('GET', '/api/v1/me', { token: adaToken })).status,
          200,
          'the rest works',
        );
      } finally {
        await bare.close();
      }
    });

    it('stops an export whose download the client abandons (its signal aborts)', async () => {
      let aborted!: () => void;
      const stopped = new Promise<void>((resolve) => (aborted = resolve));
      const exports: Pick<ExportService, 'plan' | 'exportTo'> = {
        plan: async () => ({ fileName: 'slow.json', contentType: 'application/json', zip: false }),
        exportTo: async (_actor, _tenant, _request, out, options = {}) => {
          out.write('{"first": "chunk"');
          // Writes nothing more until the client leaves: only its signal ends this export.
          await new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve()));
          aborted();
          throw new Error('the download was abandoned');
        },
      };
      const slow = await startTabApi(sim, { recoveryOverride: { exports: exports as ExportService } });
      try {
        await slow.admins.claimFirstAdmin(contoso, { userId: ada.id, displayName: ada.displayName });
        const link = bodyOf<{ url: string }>(
          await slow.call('POST', '/api/v1/recovery/exports', {
            token: adaToken,
            body: { scope: { kind: 'all' }, format: 'json' },
          }),
        );
        // A browser leaving a download half-way: the connection closes under the answer. (node:http,
        // whose socket goes with the request, rather than fetch, whose pool may keep connecting.)
        const first = await new Promise<{ headers: IncomingHttpHeaders; chunk: string }>(
          (resolve, reject) => {
            const download = httpGet(`${slow.url}${link.url}`, (response) => {
              response.once('data', (chunk: Buffer) => {
                resolve({ headers: response.headers, chunk: chunk.toString() });
                download.destroy();
              });
            });
            download.on('error', (error) => {
              if (!download.destroyed) reject(error);
            });
          },
        );
        assert.match(first.headers['content-disposition'] ?? '', /filename="slow\.json"/);
        assert.match(first.chunk, /first/);
        await stopped;
      } finally {
        await slow.close();
      }
    });
  });
});
