import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import type { ChatExportDocument, ExportManifest } from '../../backend/recovery/export/export-schema';
import { seedLaunchChat, type LaunchChat } from '../../backend/recovery/testdata/launch-chat';
import { readZip } from '../../backend/recovery/testdata/read-zip';
import {
  recoveryFixture,
  TENANT,
  type RecoveryFixture,
} from '../../backend/recovery/testdata/recovery-fixture';
import { UsageError } from '../usage-error';
import { registerExportCommand, type ExportCliDeps } from './export';

const OPERATOR = { kind: 'operator' as const, name: 'ops' };

describe('chatvault export', () => {
  let fixture: RecoveryFixture;
  let chat: LaunchChat;
  let out: string;

  beforeEach(async () => {
    fixture = recoveryFixture();
    chat = await seedLaunchChat(fixture);
    out = mkdtempSync(join(tmpdir(), 'chatvault-export-cli-'));
  });
  afterEach(() => {
    fixture.close();
    rmSync(out, { recursive: true, force: true });
  });

  async function run(
    args: string[],
    createFile: (path: string) => Writable = (path) => createWriteStream(path),
  ): Promise<{ code: number; out: string; err: string }> {
    let stdout = '';
    let stderr = '';
    let closed = 0;
    const deps: ExportCliDeps = {
      openServices: async () => ({ services: fixture.services, close: async () => void closed++ }),
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      operator: () => OPERATOR,
      createFile,
    };
    const program = new Command('chatvault')
      .exitOverride()
      .configureOutput({ writeErr: (t) => (stderr += t), writeOut: (t) => (stdout += t) });
    let code = 0;
    registerExportCommand(deps)(program, (c) => (code = c));
    try {
      await program.parseAsync(['node', 'chatvault', ...args]);
    } catch (error) {
      if (error instanceof CommanderError || error instanceof UsageError)
        return { code: 2, out: stdout, err: stderr };
      throw error;
    }
    assert.equal(closed, 1, 'the services are closed');
    return { code, out: stdout, err: stderr };
  }

  it('writes one chat to one file in the folder, and prints what it wrote', async () => {
    const result = await run([
      'export',
      '--tenant',
      TENANT,
      '--chat',
      chat.chatId,
      '--format',
      'json',
      '--out',
      join(out, 'new'),
      '--json',
    ]);
    assert.equal(result.code, 0, result.err);
    const summary = JSON.parse(result.out) as { file: string; messages: number; chats: number };
    assert.equal(summary.messages, 8);
    assert.deepEqual(readdirSync(join(out, 'new')), [summary.file.split('/').pop()]);
    const document = JSON.parse(readFileSync(summary.file, 'utf8')) as ChatExportDocument;
    assert.equal(document.chat.chatId, chat.chatId);

    const [event] = (await fixture.audit()).filter((e) => e.action === 'exported');
    assert.deepEqual(event!.actor, OPERATOR);
  });

  it('writes a zip for a user or for everything, as the backup was at a moment', async () => {
    const result = await run([
      'export',
      '--tenant',
      TENANT,
      '--user',
      'grace@contoso.example',
      '--format',
      'html',
      '--out',
      out,
      '--at',
      '2026-06-02T13:00:00Z',
    ]);
    assert.equal(result.code, 0, result.err);
    assert.match(
      result.out,
      /^Exported 1 chat, 7 messages \(\d+ versions, 1 images\) to .+\.zip \(\d+ bytes\)\n$/,
    );
    const [file] = readdirSync(out);
    assert.match(file!, /^chatvault-export-user-grace-html-\d{8}T\d{6}Z\.zip$/);
    const entries = await readZip(readFileSync(join(out, file!)));
    const manifest = JSON.parse(entries.get('manifest.json')!.toString()) as ExportManifest;
    assert.equal(manifest.pointInTime, '2026-06-02T13:00:00.000Z');
    assert.ok(entries.has('index.html'));
  });

  it('refuses bad usage with 2, and a chat or user the backup lacks with 3', async () => {
    const base = ['export', '--tenant', TENANT, '--format', 'json', '--out', out];
    assert.equal((await run([...base])).code, 2, 'no scope');
    assert.equal((await run([...base, '--all', '--chat', chat.chatId])).code, 2, 'two scopes');
    assert.equal(
      (await run(['export', '--tenant', TENANT, '--all', '--format', 'pdf', '--out', out])).code,
      2,
    );
    assert.equal((await run([...base, '--all', '--at', 'last tuesday'])).code, 2);
    assert.equal(
      (await run(['export', '--tenant', 'contoso', '--all', '--format', 'json', '--out', out])).code,
      2,
    );
    const missing = await run([...base, '--chat', '19:missing@thread.v2']);
    assert.equal(missing.code, 3);
    assert.match(missing.err, /not in this organization’s backup/);
    assert.equal((await run([...base, '--user', 'nobody@contoso.example'])).code, 3);
    assert.deepEqual(readdirSync(out), []);
  });

  it('leaves no file behind when the export fails part-way', async () => {
    // The first chunk reaches the disk, the next one fails.
    let created = 0;
    const failing = (path: string) => {
      const file = createWriteStream(path);
      created++;
      let chunks = 0;
      return new Writable({
        write(chunk: Buffer, _encoding, done) {
          if (chunks++ > 0) return done(new Error('disk full'));
          file.write(chunk, () => done());
        },
        destroy(error, done) {
          file.end(() => done(error));
        },
      });
    };
    await assert.rejects(
      run(['export', '--tenant', TENANT, '--all', '--format', 'json', '--out', out], failing),
      /disk full/,
    );
    assert.equal(created, 1);
    assert.deepEqual(readdirSync(out), []);
  });
});
