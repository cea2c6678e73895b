import type { Actor } from '../../store/connection-records';
import { mergeHead } from '../../store/message-heads';
import type { MessageHistory, SearchQuery } from '../../store/recovery-records';
import { searchableText, searchTerms } from '../../store/search-text';
import { findDirectoryUser } from '../directory-lookup';
import type { RecoveryAudit } from '../recovery-audit';
import { auditOf, type RecoveryDeps } from '../recovery-deps';
import { invalidInput, parseMoment } from '../recovery-error';
import { chatSummary } from '../transcript/chat-view';
import { PeopleNames } from '../transcript/people';
import { snippetOf } from './snippet';

export interface SearchRequest {
  /** Words that must all occur in one state of a message; a final `*` also matches words it begins. */
  text: string;
  /** Only messages sent by this user (object id or UPN). */
  sender?: string;
  chatId?: string;
  /** Messages created at or after this moment (ISO 8601). */
  from?: string;
  /** Messages created before this moment. */
  to?: string;
  /** The `next` of a previous page of the same search. */
  cursor?: string;
  /** Results per page: default 25, at most 100. */
  limit?: number;
}

export interface SearchHit {
  chatId: string;
  chatTitle: string;
  messageId: string;
  createdDateTime: string;
  sender: { id: string | null; name: string };
  /** Plain text around the first word found, from the state that matched. */
  snippet: string;
  /** The message is deleted now: the words come from its text before the deletion. */
  deleted: boolean;
  /** The words were found only in earlier states (an edit removed them). */
  onlyInEarlierVersions: boolean;
  /** The states that hold every word. */
  matchedVersions: { versionKey: string; capturedAt: string }[];
  /** Open the transcript here: `BrowseService.transcript(actor, tenantId, chatId, { around: messageId })`. */
  link: { chatId: string; messageId: string };
}

export interface SearchResults {
  items: SearchHit[];
  next?: string;
}

const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 100;
const MAX_TERMS = 16;
const READS_AT_ONCE = 8;

/**
 * Searches every backed-up state of a tenant's messages (deleted ones and earlier versions of edited
 * ones included) with the store's own full-text index (docs/recovery.md, Search), brought up to date
 * with what the backup stored first. Newest message first. Each search is one audit event
 * (`searched`, with its words and filters).
 */
export class SearchService {
  private readonly audit: RecoveryAudit;

  constructor(private readonly deps: RecoveryDeps) {
    this.audit = auditOf(deps);
  }

  async search(actor: Actor, tenantId: string, request: SearchRequest): Promise<SearchResults> {
    const text = typeof request.text === 'string' ? request.text.trim() : '';
    const terms = searchTerms(text);
    if (terms.length === 0) throw invalidInput('text', 'Give at least one word to search for.');
    if (terms.length > MAX_TERMS)
      throw invalidInput('text', `Search for at most ${MAX_TERMS} words at once.`);
    const limit = request.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1)
      throw invalidInput('limit', 'limit must be a whole number of at least 1.');
    const createdFrom = parseMoment(request.from, 'from');
    const createdBefore = parseMoment(request.to, 'to');
    let fromUserId: string | undefined;
    if (request.sender !== undefined && request.sender.trim() !== '') {
      // An id the directory does not hold is still searched (a guest, a user since erased).
      const user = await findDirectoryUser(this.deps.backup, tenantId, request.sender);
      fromUserId = user?.userId ?? request.sender.trim();
    }
    const query: SearchQuery = {
      terms,
      prefix: text.endsWith('*'),
      limit: Math.min(limit, MAX_LIMIT),
      ...(request.chatId ? { chatId: request.chatId } : {}),
      ...(fromUserId ? { fromUserId } : {}),
      ...(createdFrom ? { createdFrom } : {}),
      ...(createdBefore ? { createdBefore } : {}),
      ...(request.cursor ? { cursor: request.cursor } : {}),
    };

    await this.deps.recovery.updateSearchIndex(tenantId);
    const page = await this.deps.recovery.searchMessages(tenantId, query);
    const titles = new Map<string, string>();
    const people = new PeopleNames(tenantId, this.deps.backup);
    // Each hit's versions, read a few at a time (one store query each; on Cosmos DB each in its chat's partition).
    const histories = new Array<MessageHistory | undefined>(page.items.length);
    let next = 0;
    const reader = async () => {
      for (let i = next++; i < page.items.length; i = next++) {
        const match = page.items[i]!;
        histories[i] = await this.deps.recovery.readMessage(tenantId, match.chatId, match.messageId);
      }
    };
    await Promise.all(Array.from({ length: Math.min(READS_AT_ONCE, page.items.length) }, reader));
    const items: SearchHit[] = [];
    for (const [i, match] of page.items.entries()) {
      const history = histories[i];
      if (!history) continue; // removed since the search ran
      const matched = history.versions.filter((v) => match.versionKeys.includes(v.versionKey));
      const shown = matched[matched.length - 1] ?? history.versions[history.versions.length - 1]!;
      const head = mergeHead(tenantId, undefined, history.versions).head;
      await people.learn([shown.message]);
      items.push({
        chatId: match.chatId,
        chatTitle: await this.chatTitle(tenantId, match.chatId, titles),
        messageId: match.messageId,
        createdDateTime: match.createdDateTime,
        sender: { id: match.fromUserId, name: people.name(match.fromUserId) ?? senderName(shown.message) },
        snippet: snippetOf(searchableText(shown.message), terms, query.prefix),
        deleted: head.deleted,
        onlyInEarlierVersions: !match.versionKeys.includes(head.latestVersionKey),
        matchedVersions: matched.map((v) => ({ versionKey: v.versionKey, capturedAt: v.capturedAt })),
        link: { chatId: match.chatId, messageId: match.messageId },
      });
    }
    await this.audit.record(tenantId, actor, 'searched', request.chatId, {
      words: terms.join(' ').slice(0, 200),
      sender: fromUserId,
      from: createdFrom,
      to: createdBefore,
      results: items.length,
      page: request.cursor === undefined ? 1 : 'next',
    });
    return page.next === undefined ? { items } : { items, next: page.next };
  }

  private async chatTitle(tenantId: string, chatId: string, titles: Map<string, string>): Promise<string> {
    let title = titles.get(chatId);
    if (title === undefined) {
      const chat = await this.deps.backup.getChat(tenantId, chatId);
      title = chat ? chatSummary(chat, await this.deps.backup.getMembers(tenantId, chatId)).title : 'A chat';
      titles.set(chatId, title);
    }
    return title;
  }
}

function senderName(message: Record<string, unknown>): string {
  const from = message['from'] as {
    user?: { displayName?: unknown };
    application?: { displayName?: unknown };
  } | null;
  const name = from?.user?.displayName ?? from?.application?.displayName;
  return typeof name === 'string' && name !== '' ? name : 'Unknown sender';
}
