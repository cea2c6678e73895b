import type { z } from 'zod';
import type {
  chatsPageSchema,
  erasureReportSchema,
  exportBody,
  exportLinkSchema,
  recoveryUsersPageSchema,
  retentionRunSchema,
  retentionViewSchema,
  searchQuery,
  searchResultsSchema,
  transcriptMessageSchema,
  transcriptPageSchema,
  transcriptQuery,
} from '../../../backend/api/recovery-schemas';

/*
 * The recovery API (/api/v1/recovery/…) as the tab reads it: the server's own request and response
 * schemas, imported as types only (as types.ts does for the rest of the API), so a change of the
 * API that the tab does not follow fails the tab's type check.
 */

/** A list the server hands out a page at a time. */
export interface RecoveryPage<T> {
  items: T[];
  next?: string;
}

export type RecoveryUser = z.infer<typeof recoveryUsersPageSchema>['items'][number];
export type UserState = RecoveryUser['state'];
export type ChatSummary = z.infer<typeof chatsPageSchema>['items'][number];
export type ChatType = ChatSummary['chatType'];
export type TranscriptPage = z.infer<typeof transcriptPageSchema>;
export type TranscriptMessage = z.infer<typeof transcriptMessageSchema>;
export type EarlierVersion = TranscriptMessage['earlierVersions'][number];
export type VersionChange = TranscriptMessage['version']['change'];
export type TranscriptQuery = z.infer<typeof transcriptQuery>;
export type SearchQuery = z.infer<typeof searchQuery>;
export type SearchHit = z.infer<typeof searchResultsSchema>['items'][number];
export type ExportRequest = z.infer<typeof exportBody>;
export type ExportScope = ExportRequest['scope'];
export type ExportFormat = ExportRequest['format'];
export type ExportLink = z.infer<typeof exportLinkSchema>;
export type RetentionView = z.infer<typeof retentionViewSchema>;
export type RetentionKeep = RetentionView['keep'];
export type RetentionRun = z.infer<typeof retentionRunSchema>;
export type ErasureReport = z.infer<typeof erasureReportSchema>;
