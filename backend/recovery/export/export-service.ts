import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { ChatMemberRecord, ChatRecord } from '../../store/backup-records';
import type { Actor } from '../../store/connection-records';
import { findDirectoryUser } from '../directory-lookup';
import { escapeHtml } from '../html/escape-html';
import type { RecoveryAudit } from '../recovery-audit';
import { auditOf, type RecoveryDeps } from '../recovery-deps';
import { invalidInput, notFound, parseMoment } from '../recovery-error';
import { chatSummary } from '../transcript/chat-view';
import { ChatSource, type ChatCounts, type ExportBounds } from './chat-source';
import { CHAT_EXPORT_VERSION, MANIFEST_FORMAT, type ExportManifest } from './export-schema';
import { htmlChatExport } from './html-chat-export';
import { time } from './html-transcript';
import { jsonChatExport } from './json-chat-export';
import { writeChunks, writeZip, type ZipEntrySource } from './zip-stream';

export type ExportScope = { kind: 'chat'; chatId: string } | { kind: 'user'; user: string } | { kind: 'all' };
export type ExportFormat = 'html' | 'json';

export interface ExportRequest {
  scope: ExportScope;
  format: ExportFormat;
  /** Show the chats as the backup saw them at this moment (ISO 8601). */
  at?: string;
  /** Only messages created at or after this moment. */
  from?: string;
  /** Only messages created before this moment. */
  to?: string;
  /** One chat is one file unless `zip`; more are always a zip. */
  zip?: boolean;
}

/** What an export will produce, known before a byte is written: for headers and file names. */
export interface ExportPlan {
  fileName: string;
  contentType: string;
  zip: boolean;
}

export interface ExportSummary extends ExportPlan {
  chats: number;
  messages: number;
  versions: number;
  hostedContents: number;
  bytes: number;
}

interface ResolvedRequest {
  scope: ExportManifest['scope'];
  format: ExportFormat;
  bounds: ExportBounds;
  zip: boolean;
  /** For a single chat, with the title the transcript gives it. */
  chat?: ChatRecord;
  /** The single chat's stored members, read once for its title and its export. */
  members?: ChatMemberRecord[];
  title?: string;
  /** For a user: the name used in the file name. */
  label: string;
}

/**
 * Exports what a tenant's backup holds: one chat, one user's chats, or all chats, optionally at a
 * moment and within a creation range, as self-contained HTML transcripts or as JSON in the
 * documented format (export-schema.ts); a zip (with `manifest.json`, and `index.html` for HTML) for
 * more than one chat. Everything streams into the caller's `Writable` with backpressure: memory stays
 * flat whatever the size. Each export is one audit event (`exported`), recorded when it ends,
 * with its outcome.
 */
export class ExportService {
  private readonly audit: RecoveryAudit;

  constructor(private readonly deps: RecoveryDeps) {
    this.audit = auditOf(deps);
  }

  /** Checks the request and names what it will produce (404 for an unknown chat or user). */
  async plan(tenantId: string, request: ExportRequest): Promise<ExportPlan> {
    return planOf(await this.resolve(tenantId, request), this.deps.clock.now());
  }

  async exportTo(
    actor: Actor,
    tenantId: string,
    request: ExportRequest,
    out: Writable,
    options: { signal?: AbortSignal } = {},
  ): Promise<ExportSummary> {
    const resolved = await this.resolve(tenantId, request);
    const now = this.deps.clock.now();
    const plan = planOf(resolved, now);
    const exportedAt = now.toISOString();
    const totals = { chats: 0, messages: 0, versions: 0, hostedContents: 0 };
    let bytes = 0;
    const write = {
      onBytes: (n: number) => (bytes += n),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    let outcome: 'complete' | 'failed' = 'failed';
    try {
      if (!resolved.zip) {
        const source = await ChatSource.open(
          this.deps,
          tenantId,
          resolved.chat!,
          resolved.bounds,
          resolved.members,
        );
        const counts: ChatCounts = { messages: 0, versions: 0, hostedContents: 0 };
        await writeChunks(this.chatChunks(source, resolved, exportedAt, counts), out, write);
        add(totals, counts);
        totals.chats = 1;
      } else {
        await writeZip(this.zipEntries(tenantId, resolved, exportedAt, totals), out, {
          ...write,
          mtime: now,
        });
      }
      outcome = 'complete';
      return { ...plan, ...totals, bytes };
    } finally {
      await this.audit.record(tenantId, actor, 'exported', subjectOf(resolved.scope), {
        format: resolved.format,
        zip: resolved.zip,
        at: resolved.bounds.at,
        from: resolved.bounds.createdFrom,
        to: resolved.bounds.createdBefore,
        chats: totals.chats,
        messages: totals.messages,
        bytes,
        outcome,
      });
    }
  }

  private chatChunks(
    source: ChatSource,
    resolved: ResolvedRequest,
    exportedAt: string,
    counts: ChatCounts,
  ): AsyncGenerator<string> {
    const meta = { exportedAt, bounds: resolved.bounds };
    return resolved.format === 'json'
      ? jsonChatExport(source, this.deps.blobs, meta, counts)
      : htmlChatExport(source, this.deps, meta, counts);
  }

  private async *zipEntries(
    tenantId: string,
    resolved: ResolvedRequest,
    exportedAt: string,
    totals: { chats: number; messages: number; versions: number; hostedContents: number },
  ): AsyncGenerator<ZipEntrySource> {
    const listed: ExportManifest['chats'] = [];
    const ext = resolved.format;
    const bounded = Object.keys(resolved.bounds).length > 0;
    for await (const record of this.chatsOf(tenantId, resolved)) {
      const known = record === resolved.chat ? resolved.members : undefined;
      const source = await ChatSource.open(this.deps, tenantId, record, resolved.bounds, known);
      // A chat with nothing at the moment or in the range asked for is left out.
      if (bounded && source.isEmpty) continue;
      const title = chatSummary(source.chat, source.members).title;
      const file = `chats/${chatFileName(record, title)}.${ext}`;
      const counts: ChatCounts = { messages: 0, versions: 0, hostedContents: 0 };
      const chunks = this.chatChunks(source, resolved, exportedAt, counts);
      yield {
        name: file,
        chunks: (async function* () {
          yield* chunks;
          listed.push({
            chatId: record.chatId,
            title,
            file,
            messages: counts.messages,
            versions: counts.versions,
          });
          totals.chats++;
          add(totals, counts);
        })(),
      };
    }
    const manifest: ExportManifest = {
      format: MANIFEST_FORMAT,
      version: CHAT_EXPORT_VERSION,
      exportedAt,
      tenantId,
      exportFormat: resolved.format,
      scope: resolved.scope,
      pointInTime: resolved.bounds.at ?? null,
      createdFrom: resolved.bounds.createdFrom ?? null,
      createdBefore: resolved.bounds.createdBefore ?? null,
      chats: listed,
      counts: { ...totals },
    };
    yield { name: 'manifest.json', chunks: [JSON.stringify(manifest, null, 1) + '\n'] };
    if (resolved.format === 'html') yield { name: 'index.html', chunks: [indexHtml(manifest)] };
  }

  private async *chatsOf(tenantId: string, resolved: ResolvedRequest): AsyncGenerator<ChatRecord> {
    if (resolved.chat) {
      yield resolved.chat;
      return;
    }
    const memberUserId = resolved.scope.kind === 'user' ? resolved.scope.userId : undefined;
    let cursor: string | undefined;
    do {
      const page = await this.deps.backup.listChats(tenantId, {
        limit: 200,
        ...(cursor ? { cursor } : {}),
        ...(memberUserId ? { memberUserId } : {}),
      });
      yield* page.items;
      cursor = page.next;
    } while (cursor);
  }

  private async resolve(tenantId: string, request: ExportRequest): Promise<ResolvedRequest> {
    if (request.format !== 'html' && request.format !== 'json') {
      throw invalidInput('format', 'format must be html or json.');
    }
    const at = parseMoment(request.at, 'at');
    const createdFrom = parseMoment(request.from, 'from');
    const createdBefore = parseMoment(request.to, 'to');
    const bounds: ExportBounds = {
      ...(at ? { at } : {}),
      ...(createdFrom ? { createdFrom } : {}),
      ...(createdBefore ? { createdBefore } : {}),
    };
    const scope = request.scope;
    switch (scope?.kind) {
      case 'chat': {
        const chat = await this.deps.backup.getChat(tenantId, scope.chatId);
        if (!chat) throw notFound('That chat is not in this organization’s backup.');
        const members = await this.deps.backup.getMembers(tenantId, chat.chatId);
        return {
          scope: { kind: 'chat', chatId: chat.chatId },
          format: request.format,
          bounds,
          zip: request.zip === true,
          chat,
          members,
          title: chatSummary(chat, members).title,
          label: `chat-${shortHash(chat.chatId)}`,
        };
      }
      case 'user': {
        const user = await findDirectoryUser(this.deps.backup, tenantId, scope.user);
        if (!user) throw notFound(`No user "${scope.user}" is in this organization’s backup.`);
        return {
          scope: { kind: 'user', userId: user.userId },
          format: request.format,
          bounds,
          zip: true,
          label: `user-${slug(user.upn.split('@')[0] ?? user.userId)}`,
        };
      }
      case 'all':
        return { scope: { kind: 'all' }, format: request.format, bounds, zip: true, label: 'all' };
      default:
        throw invalidInput('scope', 'Export one chat, one user’s chats or all chats.');
    }
  }
}

function planOf(resolved: ResolvedRequest, now: Date): ExportPlan {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '');
  if (!resolved.zip) {
    const chat = resolved.chat!;
    return {
      fileName: `${chatFileName(chat, resolved.title ?? 'chat')}.${resolved.format}`,
      contentType: resolved.format === 'json' ? 'application/json' : 'text/html; charset=utf-8',
      zip: false,
    };
  }
  return {
    fileName: `chatvault-export-${resolved.label}-${resolved.format}-${stamp}Z.zip`,
    contentType: 'application/zip',
    zip: true,
  };
}

function subjectOf(scope: ExportManifest['scope']): string {
  switch (scope.kind) {
    case 'chat':
      return scope.chatId;
    case 'user':
      return scope.userId;
    case 'all':
      return 'all';
    default: {
      const unreachable: never = scope;
      return String(unreachable);
    }
  }
}

function add(
  totals: { messages: number; versions: number; hostedContents: number },
  counts: ChatCounts,
): void {
  totals.messages += counts.messages;
  totals.versions += counts.versions;
  totals.hostedContents += counts.hostedContents;
}

/** `<created day>-<title>-<8 hex of the chat id>`: readable, sortable, unique within an export. */
function chatFileName(chat: ChatRecord, title: string): string {
  return `${chat.createdDateTime.slice(0, 10)}-${slug(title)}-${shortHash(chat.chatId)}`;
}

function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 8);
}

function slug(text: string): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return ascii === '' ? 'chat' : ascii;
}

/** The zip's front page: every chat of the export, linked. */
function indexHtml(manifest: ExportManifest): string {
  const rows = manifest.chats
    .map(
      (c) =>
        `<li><a href="${escapeHtml(c.file)}">${escapeHtml(c.title)}</a> <span class="meta">${c.messages} messages</span></li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<title>ChatVault export</title>
<style>body { font: 14px/1.5 "Segoe UI", system-ui, sans-serif; max-width: 920px; margin: 24px auto; padding: 0 24px; } .meta { color: #616161; font-size: 12px; }</style>
</head>
<body>
<h1>ChatVault export</h1>
<p class="meta">${manifest.pointInTime ? `As the backup saw it at ${time(manifest.pointInTime)}` : 'Everything the backup kept'} · exported ${time(manifest.exportedAt)}</p>
<ul>
${rows}
</ul>
<p class="meta">${manifest.counts.chats} chats, ${manifest.counts.messages} messages, ${manifest.counts.versions} versions.</p>
</body>
</html>
`;
}
