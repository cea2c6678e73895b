import { randomBytes } from 'node:crypto';
import type { Clock } from '../../backend/connection/clock';
import type { ExportRequest } from '../../backend/recovery/export/export-service';
import { notFound } from '../../backend/recovery/recovery-error';
import type { Actor } from '../../backend/store/connection-records';
import type { BotExportLink, BotRecovery } from '../bot-services';

/** How long the fake's links work: what the product's link is documented to. */
export const FAKE_LINK_LIFETIME_MS = 15 * 60_000;

/**
 * The recovery port in memory: each tenant's backup holds the chats and users the test adds; a
 * request for anything else is refused as the ExportService refuses it. Every call is recorded,
 * and each link carries a random token, so a spec can look for it in logs.
 */
export class FakeRecovery implements BotRecovery {
  readonly calls: { actor: Actor; tenantId: string; request: ExportRequest }[] = [];
  readonly links: BotExportLink[] = [];
  /** Where links point; change it to see how the bot takes a link Teams could not open. */
  origin = 'https://chatvault.contoso.test';
  private readonly chats = new Set<string>();
  private readonly users = new Set<string>();

  constructor(private readonly clock: Clock) {}

  addChat(tenantId: string, chatId: string): void {
    this.chats.add(`${tenantId}|${chatId}`);
  }

  /** A user by any of the names given (UPN, object id), case-insensitive. */
  addUser(tenantId: string, ...names: string[]): void {
    for (const name of names) this.users.add(`${tenantId}|${name.toLowerCase()}`);
  }

  async exportLink(actor: Actor, tenantId: string, request: ExportRequest): Promise<BotExportLink> {
    this.calls.push({ actor, tenantId, request });
    const scope = request.scope;
    let label: string;
    switch (scope.kind) {
      case 'chat':
        if (!this.chats.has(`${tenantId}|${scope.chatId}`))
          throw notFound('That chat is not in this organization’s backup.');
        label = '';
        break;
      case 'user':
        if (!this.users.has(`${tenantId}|${scope.user.toLowerCase()}`))
          throw notFound(`No user "${scope.user}" is in this organization’s backup.`);
        label = `user-${scope.user.split('@')[0]!.toLowerCase()}`;
        break;
      case 'all':
        label = 'all';
        break;
      default: {
        const unreachable: never = scope;
        throw new Error(`unknown scope ${String(unreachable)}`);
      }
    }
    const now = this.clock.now();
    const link: BotExportLink = {
      url: `${this.origin}/api/v1/recovery/downloads?t=${randomBytes(24).toString('base64url')}`,
      fileName:
        scope.kind === 'chat'
          ? `2026-04-01-project-chat-1a2b3c4d.${request.format}`
          : `chatvault-export-${label}-${request.format}-20260501T100000Z.zip`,
      expiresAt: new Date(now.getTime() + FAKE_LINK_LIFETIME_MS).toISOString(),
    };
    this.links.push(link);
    return link;
  }
}
