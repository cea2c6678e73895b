import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ManualClock } from '../state/clock';
import { newChatMessage, type ChatMessageJson } from '../state/message-json';
import { StateError } from '../state/state-error';
import { TenantState } from '../state/tenant-state';
import { EXPAND_MEMBERS_CAP } from './seed-chats';
import {
  defaultSimulatorTenants,
  MIN_SIZES_FOR_ALL_CASES,
  resolveSizes,
  type SeedTenantOptions,
} from './seed-options';
import { SEEDED_EVENT_KINDS } from './seed-specials';
import { seedTenant } from './seed-tenant';

const END = Date.parse('2025-06-01T12:00:00.000Z');

const TINY: SeedTenantOptions = {
  seed: 'contoso',
  domain: 'contoso.onmicrosoft.com',
  displayName: 'Contoso',
  users: 6,
  chats: 12,
  messages: 300,
  endMs: END,
};

/** Every row of every table of the tenant, hashed: equal hashes mean byte-identical tenants. */
function tenantDigest(state: TenantState, tenantId: string): string {
  const hash = createHash('sha256');
  const tables = [
    'SELECT id, upn, account_enabled, teams_licensed, user_type, home_tenant_id, ordinal, json FROM users WHERE tenant_id = ? ORDER BY ordinal',
    'SELECT id, chat_type, created_ms, last_updated_ms, json FROM chats WHERE tenant_id = ? ORDER BY id',
    'SELECT chat_id, membership_id, user_id, ordinal, json FROM chat_members WHERE tenant_id = ? ORDER BY chat_id, ordinal',
    'SELECT chat_id, id, created_ms, last_modified_ms, seq, version, deleted, message_type, from_user_id, json FROM messages WHERE tenant_id = ? ORDER BY seq',
    'SELECT chat_id, message_id, id, blob_sha256 FROM hosted_contents WHERE tenant_id = ? ORDER BY chat_id, message_id, id',
    'SELECT chat_id, id, message_id, pinned_ms FROM pinned_messages WHERE tenant_id = ? ORDER BY chat_id, id',
  ];
  for (const sql of tables)
    for (const row of state.db.prepare(sql).iterate(tenantId)) hash.update(JSON.stringify(row));
  return hash.digest('hex');
}

function seeded(options: SeedTenantOptions): { state: TenantState; tenantId: string } {
  const state = new TenantState({ clock: new ManualClock(END) });
  return { state, tenantId: seedTenant(state, options).id };
}

function messagesOf(state: TenantState, tenantId: string): ChatMessageJson[] {
  return [...state.exportTruth(tenantId)].map((t) => JSON.parse(t.json) as ChatMessageJson);
}

describe('seedTenant', () => {
  const open: TenantState[] = [];
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });
  function seed(options: SeedTenantOptions) {
    const made = seeded(options);
    open.push(made.state);
    return made;
  }

  it('builds the same tenant, byte for byte, from the same seed, and another one from another seed', () => {
    const a = seed(TINY);
    const b = seed(TINY);
    const c = seed({ ...TINY, seed: 'contoso-2' });
    assert.equal(a.tenantId, b.tenantId);
    assert.deepEqual(a.state.stats(a.tenantId), b.state.stats(b.tenantId));
    assert.deepEqual(
      [...a.state.exportTruth(a.tenantId)].map((t) => t.json),
      [...b.state.exportTruth(b.tenantId)].map((t) => t.json),
    );
    assert.equal(tenantDigest(a.state, a.tenantId), tenantDigest(b.state, b.tenantId));
    assert.notEqual(c.tenantId, a.tenantId);
    assert.notEqual(tenantDigest(c.state, c.tenantId), tenantDigest(a.state, a.tenantId));
  });

  it('writes exactly the asked sizes, and a batch size does not change the result', () => {
    const a = seed(TINY);
    const b = seed({ ...TINY, batchSize: 7 });
    const stats = a.state.stats(a.tenantId);
    assert.equal(stats.users, 6);
    assert.equal(stats.chats.total, 12);
    assert.equal(stats.messages, 300);
    assert.equal(tenantDigest(a.state, a.tenantId), tenantDigest(b.state, b.tenantId));
  });

  const smallest = { ...TINY, ...MIN_SIZES_FOR_ALL_CASES };
  for (const [name, options] of [
    ['a tiny tenant', TINY],
    ['the smallest tenant that can hold them', smallest],
  ] as const) {
    it(`plants every special case in ${name}`, () => {
      const { state, tenantId } = seed(options);
      const stats = state.stats(tenantId);
      const messages = messagesOf(state, tenantId);
      const regular = messages.filter((m) => m.messageType === 'message');
      const has = (what: string, test: (m: ChatMessageJson) => boolean) =>
        assert.ok(messages.some(test), `no ${what}`);

      assert.equal(stats.usersUnlicensed, 1);
      assert.equal(stats.usersDisabled, 1);
      const guest = state.db
        .prepare("SELECT id, home_tenant_id FROM users WHERE tenant_id = ? AND user_type = 'Guest'")
        .get(tenantId) as { id: string; home_tenant_id: string } | undefined;
      assert.ok(guest && guest.home_tenant_id !== tenantId, 'no guest from another tenant');
      for (const type of ['oneOnOne', 'group', 'meeting'] as const)
        assert.ok(stats.chats[type] > 0, `no ${type} chat`);

      has('text body', (m) => m.body.contentType === 'text');
      has(
        'mention',
        (m) => m.mentions.length > 0 && m.body.content.includes(`<at id="${m.mentions[0]!.id}">`),
      );
      has('emoji', (m) => m.body.content.includes('<emoji id='));
      has('Arabic text', (m) => /[\u0600-\u06ff]/.test(m.body.content));
      has('Hebrew text', (m) => /[\u0590-\u05ff]/.test(m.body.content));
      has('very long text', (m) => m.body.content.length > 20_000);
      has('two inline images', (m) => (m.body.content.match(/hostedContents\//g) ?? []).length === 2);
      assert.ok(stats.distinctHostedContentBlobs < stats.hostedContents, 'no image reused across messages');
      has('file reference', (m) =>
        m.attachments.some((a) => a.contentType === 'reference' && a.contentUrl?.startsWith('https://')),
      );
      has('adaptive card', (m) =>
        m.attachments.some((a) => a.contentType === 'application/vnd.microsoft.card.adaptive'),
      );
      has('thumbnail card', (m) =>
        m.attachments.some((a) => a.contentType === 'application/vnd.microsoft.card.thumbnail'),
      );
      has(
        'bot sender',
        (m) => m.from?.application?.applicationIdentityType === 'bot' && m.from.user === null,
      );
      has(
        'federated sender',
        (m) => m.from?.user?.userIdentityType === 'federatedUser' && m.from.user.tenantId !== tenantId,
      );
      has(
        'guest sender',
        (m) => m.from?.user?.id === guest.id && m.from.user.tenantId === guest.home_tenant_id,
      );
      has('high importance', (m) => m.importance === 'high');
      has('reactions', (m) => m.reactions.length >= 2);
      has('a reaction taken back', (m) => m.messageHistory.some((h) => h.actions === 'reactionRemoved'));
      has('edit', (m) => m.lastEditedDateTime !== null && m.deletedDateTime === null);
      has('deletion', (m) => m.deletedDateTime !== null && m.body.content === '');
      assert.equal(
        regular.filter((m) => m.from === null).length,
        1,
        'exactly one regular message has from: null',
      );
      const disabled = state.db
        .prepare('SELECT id FROM users WHERE tenant_id = ? AND account_enabled = 0')
        .get(tenantId) as { id: string };
      has('message from the disabled user', (m) => m.from?.user?.id === disabled.id);

      const events = new Set(messages.map((m) => m.eventDetail?.['@odata.type']));
      for (const kind of SEEDED_EVENT_KINDS) {
        const type = kind === 'memberRoleUpdated' ? 'conversationMemberRoleUpdated' : kind;
        assert.ok(events.has(`#microsoft.graph.${type}EventMessageDetail`), `no ${kind} event`);
      }
      assert.ok(stats.pinned >= 1, 'nothing pinned');
    });
  }

  it('keeps every message consistent: Graph ids and etags, versions, chat ids, hosted contents, members', () => {
    const { state, tenantId } = seed(TINY);
    const seen = new Set<string>();
    const keys = Object.keys(
      newChatMessage({
        createdMs: 0,
        chatId: 'c',
        messageType: 'message',
        from: null,
        body: { contentType: 'text', content: '' },
      }),
    );
    for (const t of state.exportTruth(tenantId)) {
      const m = JSON.parse(t.json) as ChatMessageJson;
      assert.deepEqual(Object.keys(m), keys);
      assert.equal(m.id, String(Date.parse(m.createdDateTime)));
      assert.equal(m.etag, String(Date.parse(m.lastModifiedDateTime)));
      assert.equal(m.chatId, t.chatId);
      assert.ok(!seen.has(`${t.chatId}/${m.id}`));
      seen.add(`${t.chatId}/${m.id}`);
      const changes = m.messageHistory.length + (m.lastEditedDateTime ? 1 : 0) + (m.deletedDateTime ? 1 : 0);
      assert.ok(t.version >= 1 + changes, `version ${t.version} of ${m.id} below its ${changes} changes`);
      // A message never changed still has lastModifiedDateTime = createdDateTime; a changed one moved on.
      assert.equal(t.version > 1, Date.parse(m.lastModifiedDateTime) > Date.parse(m.createdDateTime));
      for (const h of t.hostedContents) assert.ok(m.body.content.includes(`/hostedContents/${h.id}/$value`));
      assert.equal(t.hostedContents.length, (m.body.content.match(/hostedContents\//g) ?? []).length);
      if (m.messageType === 'systemEventMessage') {
        assert.equal(m.from, null);
        assert.equal(m.body.content, '<systemEventMessage/>');
      }
    }
    const chats = state.db
      .prepare('SELECT id, last_updated_ms, json FROM chats WHERE tenant_id = ?')
      .all(tenantId) as {
      id: string;
      last_updated_ms: number;
      json: string;
    }[];
    for (const chat of chats) {
      const newest = state.db
        .prepare('SELECT MAX(last_modified_ms) AS ms FROM messages WHERE tenant_id = ? AND chat_id = ?')
        .get(tenantId, chat.id) as { ms: number | null };
      assert.ok(
        chat.last_updated_ms >= (newest.ms ?? 0),
        `chat ${chat.id} updated before its newest message`,
      );
      assert.equal(JSON.parse(chat.json).lastUpdatedDateTime, new Date(chat.last_updated_ms).toISOString());
      assert.ok(state.listMembers(tenantId, chat.id).length >= 1);
    }
  });

  it('makes a group chat larger than the 25 members $expand returns when there are enough users', () => {
    const { state, tenantId } = seed({ ...TINY, users: 30, chats: 6, messages: 100 });
    const sizes = state.db
      .prepare('SELECT COUNT(*) AS n FROM chat_members WHERE tenant_id = ? GROUP BY chat_id ORDER BY n DESC')
      .all(tenantId) as { n: number }[];
    assert.ok(sizes[0]!.n > EXPAND_MEMBERS_CAP, `largest chat has ${sizes[0]!.n} members`);
  });

  it('takes live changes after seeding, continuing the change counter', () => {
    const { state, tenantId } = seed(TINY);
    const before = state.stats(tenantId);
    const chat = state.db
      .prepare("SELECT id FROM chats WHERE tenant_id = ? AND chat_type = 'group'")
      .get(tenantId) as { id: string };
    const member = state
      .listMembers(tenantId, chat.id)
      .find((m) => state.findUser(tenantId, m.userId)?.accountEnabled)!;
    const posted = state.postMessage(tenantId, chat.id, {
      from: { userId: member.userId },
      body: { contentType: 'text', content: 'after' },
    });
    assert.ok(state.messageMeta(tenantId, chat.id, posted.id)!.seq > before.seq);
    assert.equal(state.stats(tenantId).messages, before.messages + 1);
  });

  it('refuses a second tenant with the same domain and sizes it cannot build', () => {
    const { state } = seed(TINY);
    assert.throws(
      () => seedTenant(state, { ...TINY, seed: 'other' }),
      (e) => e instanceof StateError && e.reason === 'conflict',
    );
    assert.throws(() => resolveSizes({ ...TINY, users: 1 }), RangeError);
    assert.throws(() => resolveSizes({ ...TINY, messages: 1.5 }), RangeError);
    assert.throws(() => resolveSizes({ ...TINY, messages: 1000, spanDays: 0.00001 }), RangeError);
  });

  it('describes the demo tenant at default size and a small second tenant, both overridable', () => {
    const [contoso, fabrikam] = defaultSimulatorTenants({ fabrikam: { messages: 50 } });
    assert.equal(contoso?.domain, 'contoso.onmicrosoft.com');
    assert.deepEqual(resolveSizes(contoso!), { users: 50, chats: 400, messages: 50_000, spanDays: 730 });
    assert.equal(fabrikam?.domain, 'fabrikam.onmicrosoft.com');
    assert.equal(fabrikam?.messages, 50);
    assert.ok(
      fabrikam!.users! >= MIN_SIZES_FOR_ALL_CASES.users && fabrikam!.chats! >= MIN_SIZES_FOR_ALL_CASES.chats,
    );
    const { state } = seed({ ...fabrikam!, endMs: END });
    const other = seedTenant(state, { ...TINY, users: 6, chats: 6, messages: 60 });
    const fab = state.findTenant('fabrikam.onmicrosoft.com')!;
    assert.notEqual(fab.id, other.id);
    const shared = state.db
      .prepare(
        'SELECT COUNT(*) AS n FROM messages a JOIN messages b ON a.chat_id = b.chat_id WHERE a.tenant_id = ? AND b.tenant_id = ?',
      )
      .get(fab.id, other.id) as { n: number };
    assert.equal(shared.n, 0, 'two seeded tenants share a chat');
  });
});
