import { query } from './query-string';
import type {
  ChatSummary,
  ErasureReport,
  ExportLink,
  ExportRequest,
  RecoveryPage,
  RecoveryUser,
  RetentionKeep,
  RetentionRun,
  RetentionView,
  SearchHit,
  SearchQuery,
  TranscriptMessage,
  TranscriptPage,
  TranscriptQuery,
} from './recovery-types';

/** One authenticated call to the API (the client's, with its token handling and error mapping). */
export type ApiRequest = <T>(method: string, path: string, body?: unknown) => Promise<T>;

const chatPath = (chatId: string) => `/recovery/chats/${encodeURIComponent(chatId)}`;

/** The recovery routes (/api/v1/recovery/…), all for admins only. */
export class RecoveryApi {
  constructor(private readonly request: ApiRequest) {}

  users = (options: { limit?: number; cursor?: string } = {}) =>
    this.request<RecoveryPage<RecoveryUser>>('GET', `/recovery/users${query(options)}`);

  /** A user's chats (UPN or object id), or every chat of the tenant without `user`. */
  chats = (options: { user?: string; limit?: number; cursor?: string } = {}) =>
    this.request<RecoveryPage<ChatSummary>>('GET', `/recovery/chats${query(options)}`);

  transcript = (chatId: string, options: TranscriptQuery = {}) =>
    this.request<TranscriptPage>('GET', `${chatPath(chatId)}/transcript${query({ ...options })}`);

  message = (chatId: string, messageId: string, options: { at?: string } = {}) =>
    this.request<TranscriptMessage>(
      'GET',
      `${chatPath(chatId)}/messages/${encodeURIComponent(messageId)}${query(options)}`,
    );

  search = (options: SearchQuery) =>
    this.request<RecoveryPage<SearchHit>>('GET', `/recovery/search${query({ ...options })}`);

  /** Checks the request and answers a short-lived download link (relative to the server). */
  startExport = (request: ExportRequest) => this.request<ExportLink>('POST', '/recovery/exports', request);

  retention = () => this.request<RetentionView>('GET', '/recovery/retention');
  saveRetention = (keep: RetentionKeep) =>
    this.request<RetentionView>('PUT', '/recovery/retention', { keep });
  applyRetention = () => this.request<RetentionRun>('POST', '/recovery/retention/apply', {});

  erase = (user: string) => this.request<ErasureReport>('POST', '/recovery/erasures', { user });
}
