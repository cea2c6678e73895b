import type { z } from 'zod';
import type {
  adminSchema,
  auditEntrySchema,
  backupStatusSchema,
  clientConfigSchema,
  connectionReportSchema,
  connectionViewSchema,
  directoryPersonSchema,
  errorSchema,
  meSchema,
  peopleSchema,
  runSchema,
  runStartedSchema,
  scheduleSchema,
  scopeSaveSchema,
  scopeViewSchema,
  scheduleViewSchema,
  targetSchema,
  userRowSchema,
  usersPageSchema,
} from '../../../backend/api/response-schemas';
import type { UserSortKey, UsersQuery } from '../../../backend/api/request-schemas';

/*
 * The tab's view of the REST API: the very schemas the server answers with and documents in its
 * OpenAPI document, imported as types only (nothing of the server lands in the bundle), so a change
 * on one side that the other does not follow fails the tab's type check.
 */
export type Me = z.infer<typeof meSchema>;
export type ConnectionView = z.infer<typeof connectionViewSchema>;
export type ConnectionReport = z.infer<typeof connectionReportSchema>;
export type ConnectionStatusName = ConnectionView['status'];
export type Actor = NonNullable<ConnectionView['savedBy']>;
export type Run = z.infer<typeof runSchema>;
export type RunOutcome = NonNullable<Run['outcome']>;
export type BackupStatus = z.infer<typeof backupStatusSchema>;
export type RunStarted = z.infer<typeof runStartedSchema>;
export type Schedule = z.infer<typeof scheduleSchema>;
export type ScheduleView = z.infer<typeof scheduleViewSchema>;
export type BackupScope = z.infer<typeof scopeViewSchema>;
export type BackupScopeSaved = z.infer<typeof scopeSaveSchema>;
export type ScopeMode = BackupScope['mode'];
export type UserRow = z.infer<typeof userRowSchema>;
export type UsersPage = z.infer<typeof usersPageSchema>;
export type UserState = UserRow['state'];
export type { UserSortKey, UsersQuery };
export type DirectoryPerson = z.infer<typeof directoryPersonSchema>;
export type PeopleList = z.infer<typeof peopleSchema>;
export type Admin = z.infer<typeof adminSchema>;
export type NotificationTarget = z.infer<typeof targetSchema>;
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export type ClientConfig = z.infer<typeof clientConfigSchema>;
export type DemoUser = NonNullable<ClientConfig['demoSignIn']>['users'][number];
export type ApiErrorBody = z.infer<typeof errorSchema>;
export type ApiErrorCode = ApiErrorBody['error']['code'];
export type ApiErrorReason = NonNullable<ApiErrorBody['error']['reason']>;
export type ConnectField = ConnectionReport['fields'][number]['field'];
