import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import Ajv2020 from 'ajv/dist/2020';
import { MemoryPeak } from '../../../test/support/memory-peak';
import type { MessageVersion } from '../../store/backup-records';
import { isRecoveryError } from '../recovery-error';
import { collectOutput } from '../testdata/collect-output';
import { CAPTURES, seedLaunchChat, type LaunchChat } from '../testdata/launch-chat';
import { readZip } from '../testdata/read-zip';
import {
  ADMIN,
  PEOPLE,
  recoveryFixture,
  seedChat,
  sha256,
  state,
  TENANT,
  type RecoveryFixture,
} from '../testdata/recovery-fixture';
import {
  CHAT_EXPORT_JSON_SCHEMA,
  type ChatExportDocument,
  type ExportedVersion,
  type ExportManifest,
} from './export-schema';

const validate = new Ajv2020({ strict: false }).compile(CHAT_EXPORT_JSON_SCHEMA);

function checkSchema(document: unknown): asserts document is ChatExportDocument {
  assert.ok(validate(document), JSON.stringify(validate.errors));
}

describe('ExportService', () => {
  let fixture: RecoveryFixture;
  let chat: LaunchChat;

  beforeEach(async () => {
    fixture = recoveryFixture();
    chat = await seedLaunchChat(fixture);
  });
  afterEach(() => fixture.close());

  async function exportJson(request: Parameters<RecoveryFixture['services']['exports']['exportTo']>[2]) {
    const output = collectOutput();
    const summary = await fixture.services.exports.exportTo(ADMIN, TENANT, request, output.out);
    return { summary, bytes: output.bytes() };
  }

  it('writes one chat as JSON in the documented schema, with every version and every image', async () => {
    const { summary, bytes } = await exportJson({
      scope: { kind: 'chat', chatId: chat.chatId },
      format: 'json',
    });
    const document: unknown = JSON.parse(bytes.toString('utf8'));
    checkSchema(document);
    assert.equal(summary.zip, false);
    assert.match(summary.fileName, /^2026-05-01-launch-plans-[0-9a-f]{8}\.json$/);
    assert.equal(summary.bytes, bytes.length);

    assert.equal(document.format, 'chatvault-chat-export');
    assert.equal(document.version, 1);
    assert.equal(document.chat.topic, 'Launch plans');
    assert.deepEqual(
      document.messages.map((m) => m.messageId),
      chat.ids,
    );
    // Every version the store holds, as stored.
    const stored: MessageVersion[] = [];
    for await (const v of fixture.backup.iterateVersions(TENANT, { chatId: chat.chatId })) stored.push(v);
    assert.equal(
      document.messages.reduce((n, m) => n + m.versions.length, 0),
      stored.length,
    );
    for (const version of stored) {
      const exported: ExportedVersion = document.messages
        .find((m) => m.messageId === version.messageId)!
        .versions.find((v) => v.etag === version.etag)!;
      assert.deepEqual(exported.message, version.message);
      assert.deepEqual(exported.hostedContents, version.hostedContents);
      assert.equal(exported.capturedAt, version.capturedAt);
    }
    const drafts = document.messages[2]!;
    assert.deepEqual(
      drafts.versions.map((v) => (v.message['body'] as { content: string }).content),
      ['<p>Draft one</p>', '<p>Draft two</p>', '<p>Draft three</p>'],
    );
    const deleted = document.messages[3]!;
    assert.equal(deleted.deleted, true);
    assert.equal(deleted.firstSeenDeletedAt, CAPTURES[1]);

    assert.equal(document.hostedContents.length, 1);
    const image = Buffer.from(document.hostedContents[0]!.base64, 'base64');
    assert.ok(image.equals(chat.imageBytes));
    assert.equal(document.hostedContents[0]!.sha256, sha256(image));
    assert.deepEqual(document.counts, { messages: 8, versions: 12, hostedContents: 1 });
  });

  it('exports the chat as it was at a moment, and a creation range', async () => {
    const at = new Date(Date.parse(CAPTURES[0]) + 3_600_000).toISOString();
    const early = JSON.parse(
      (
        await exportJson({ scope: { kind: 'chat', chatId: chat.chatId }, format: 'json', at })
      ).bytes.toString(),
    ) as ChatExportDocument;
    checkSchema(early);
    assert.equal(early.pointInTime, at);
    assert.equal(early.messages.length, 7, 'the card came later');
    assert.deepEqual(
      early.messages.find((m) => m.messageId === chat.ids[2])!.versions.map((v) => v.capturedAt),
      [CAPTURES[0]],
    );
    assert.equal(early.messages.find((m) => m.messageId === chat.ids[3])!.deleted, false);

    const range = JSON.parse(
      (
        await exportJson({
          scope: { kind: 'chat', chatId: chat.chatId },
          format: 'json',
          from: new Date(Number(chat.ids[2])).toISOString(),
          to: new Date(Number(chat.ids[5])).toISOString(),
        })
      ).bytes.toString(),
    ) as ChatExportDocument;
    assert.deepEqual(
      range.messages.map((m) => m.messageId),
      chat.ids.slice(2, 5),
    );
  });

  it('writes a self-contained HTML transcript: every message, images embedded, nothing that runs or loads', async () => {
    const output = collectOutput();
    await fixture.services.exports.exportTo(
      ADMIN,
      TENANT,
      { scope: { kind: 'chat', chatId: chat.chatId }, format: 'html' },
      output.out,
    );
    const html = output.text();
    assert.match(html, /^<!doctype html>/);
    assert.match(
      html,
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:;/,
    );
    for (const id of chat.ids) assert.ok(html.includes(`id="m-${id}"`), `message ${id}`);
    assert.ok(html.includes(`src="data:image/png;base64,${chat.imageBytes.toString('base64')}"`));
    assert.match(html, /Deleted on 2026-05-02 09:10 UTC\. Its last text:/);
    assert.match(html, /<details class="history"><summary>2 earlier versions<\/summary>/);
    assert.match(html, /Ada Lovelace added Linus Pauling to the chat and shared all chat history\./);
    assert.match(html, /<a href="#m-\d+">In reply to<\/a> Ada Lovelace: Kick-off at nine/);
    assert.doesNotMatch(html, /<script|javascript:|evil\.example|\son[a-z]+=/i);
  });

  it('zips many chats, with a manifest (and an index page for HTML), leaving out chats empty in the range', async () => {
    const second = await seedChat(fixture, {
      chatId: '19:second0000000000000000000000@thread.v2',
      topic: null,
      members: [PEOPLE.ada, PEOPLE.grace],
    });
    await fixture.backup.putMessageVersions(TENANT, [
      state({ chatId: second, n: 30, text: 'In the second chat', capturedAt: CAPTURES[0] }),
    ]);
    const { summary, bytes } = await exportJson({ scope: { kind: 'all' }, format: 'json' });
    assert.equal(summary.zip, true);
    assert.match(summary.fileName, /^chatvault-export-all-json-\d{8}T\d{6}Z\.zip$/);
    const entries = await readZip(bytes);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString()) as ExportManifest;
    assert.equal(manifest.chats.length, 2);
    assert.deepEqual(manifest.counts, { chats: 2, messages: 9, versions: 13, hostedContents: 1 });
    for (const listed of manifest.chats) {
      const document: unknown = JSON.parse(entries.get(listed.file)!.toString());
      checkSchema(document);
      assert.equal(document.chat.chatId, listed.chatId);
      assert.equal(document.messages.length, listed.messages);
    }
    assert.deepEqual(manifest.chats.map((c) => c.title).sort(), [
      'Ada Lovelace, Grace Hopper',
      'Launch plans',
    ]);

    const html = await readZip(
      await (async () => {
        const output = collectOutput();
        await fixture.services.exports.exportTo(
          ADMIN,
          TENANT,
          { scope: { kind: 'user', user: 'linus@contoso.example' }, format: 'html' },
          output.out,
        );
        return output.bytes();
      })(),
    );
    assert.deepEqual(
      [...html.keys()].filter((n) => n.startsWith('chats/')).length,
      1,
      'linus is in the launch chat only',
    );
    assert.match(html.get('index.html')!.toString(), /<a href="chats\/[^"]+\.html">Launch plans<\/a>/);

    const ranged = await readZip(
      (
        await exportJson({
          scope: { kind: 'all' },
          format: 'json',
          from: new Date(Number(state({ n: 30, capturedAt: CAPTURES[0] }).messageId)).toISOString(),
        })
      ).bytes,
    );
    const rangedManifest = JSON.parse(ranged.get('manifest.json')!.toString()) as ExportManifest;
    assert.deepEqual(
      rangedManifest.chats.map((c) => c.chatId),
      [second],
    );
  });

  it('refuses what is not there and audits every export, with its outcome', async () => {
    const exports = fixture.services.exports;
    const sink = collectOutput().out;
    await assert.rejects(
      exports.exportTo(
        ADMIN,
        TENANT,
        { scope: { kind: 'chat', chatId: '19:none@thread.v2' }, format: 'json' },
        sink,
      ),
      (e: unknown) => isRecoveryError(e, 'not_found'),
    );
    await assert.rejects(
      exports.exportTo(
        ADMIN,
        TENANT,
        { scope: { kind: 'user', user: 'nobody@contoso.example' }, format: 'json' },
        sink,
      ),
      (e: unknown) => isRecoveryError(e, 'not_found'),
    );
    await assert.rejects(
      exports.exportTo(ADMIN, TENANT, { scope: { kind: 'all' }, format: 'pdf' as 'json' }, sink),
      (e: unknown) => isRecoveryError(e, 'invalid_input') && e.field === 'format',
    );

    await exports.exportTo(
      ADMIN,
      TENANT,
      { scope: { kind: 'chat', chatId: chat.chatId }, format: 'html' },
      collectOutput().out,
    );
    const broken = new Writable({
      write(_chunk, _encoding, done) {
        done(new Error('disk full'));
      },
    });
    await assert.rejects(
      exports.exportTo(ADMIN, TENANT, { scope: { kind: 'all' }, format: 'json' }, broken),
      /disk full/,
    );
    const events = (await fixture.audit()).filter((e) => e.action === 'exported').reverse();
    assert.deepEqual(
      events.map((e) => [e.subject, e.details?.['format'], e.details?.['outcome']]),
      [
        [chat.chatId, 'html', 'complete'],
        ['all', 'json', 'failed'],
      ],
    );
    assert.equal(events[0]!.details?.['messages'], 8);
  });
});

describe('ExportService memory', function () {
  this.timeout(120_000);

  it('holds a page, not the export, however long the chat', async () => {
    const fixture = recoveryFixture();
    try {
      const chatId = await seedChat(fixture);
      const filler = 'The quarterly numbers look fine, and we ship on Thursday after the review. '.repeat(6);
      for (let start = 0; start < 12_000; start += 1000) {
        const batch: MessageVersion[] = [];
        for (let n = start; n < start + 1000; n++) {
          batch.push(state({ n, text: `${n}: ${filler}`, capturedAt: CAPTURES[0] }));
        }
        await fixture.backup.putMessageVersions(TENANT, batch);
      }
      let written = 0;
      const peak = new MemoryPeak();
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          written += chunk.length;
          peak.sample(chunk.length);
          done();
        },
      });
      const summary = await fixture.services.exports.exportTo(
        ADMIN,
        TENANT,
        { scope: { kind: 'chat', chatId }, format: 'json' },
        sink,
      );
      assert.equal(summary.messages, 12_000);
      assert.ok(written > 20_000_000, `wrote ${written} bytes`);
      assert.ok(
        peak.rise < written / 4,
        `memory rose by ${(peak.rise / 1e6).toFixed(1)} MB while writing ${(written / 1e6).toFixed(1)} MB`,
      );
    } finally {
      fixture.close();
    }
  });
});
