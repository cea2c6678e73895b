import type {
  Admin,
  ApiErrorBody,
  ApiErrorCode,
  ApiErrorReason,
  AuditEntry,
  BackupScope,
  BackupScopeSaved,
  BackupStatus,
  ClientConfig,
  ConnectionReport,
  ConnectionView,
  Me,
  NotificationTarget,
  PeopleList,
  Run,
  RunStarted,
  Schedule,
  ScheduleView,
  ScopeMode,
  UsersPage,
  UsersQuery,
} from './types';
import { query } from './query-string';
import { RecoveryApi } from './recovery-api';

/** The server's codes, and two of the tab's own: the request never got an answer, or no token. */
export type ClientErrorCode = ApiErrorCode | 'network' | 'sign_in';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ClientErrorCode,
    message: string,
    readonly field?: string,
    readonly reason?: ApiErrorReason,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Where the API's bearer tokens come from: Teams SSO, or a demo sign-in. */
export interface TokenSource {
  /** `renew`: the last token was refused as expired; get a new one rather than a cached one. */
  token(renew: boolean): Promise<string>;
}

const API_BASE = '/api/v1';

/** Calls that need no sign-in: what the server offers a page opened outside Teams. */
export async function fetchClientConfig(): Promise<ClientConfig> {
  return call<ClientConfig>('GET', '/client-config', undefined, undefined);
}

export async function fetchDemoToken(upn: string): Promise<string> {
  return (await call<{ token: string }>('POST', '/demo/token', { upn }, undefined)).token;
}

/** The tab's REST API (docs: the OpenAPI document at /api/v1/openapi.json). */
export class ApiClient {
  constructor(
    private readonly tokens: TokenSource,
    /** Told when the server refuses the sign-in itself (not just an expired token). */
    private readonly onSignInRefused: (error: ApiError) => void = () => undefined,
  ) {}

  me = () => this.request<Me>('GET', '/me');
  connection = () => this.request<ConnectionView>('GET', '/connection');
  connect = (body: { appId: string; secret: string; secretExpiresAt?: string }) =>
    this.request<ConnectionReport>('POST', '/connection', body);
  retestConnection = () => this.request<ConnectionReport>('POST', '/connection/test', {});
  removeConnection = () => this.request<{ removed: true; status: ConnectionView }>('DELETE', '/connection');

  backupStatus = () => this.request<BackupStatus>('GET', '/backup/status');
  startBackup = (mode: 'auto' | 'full') => this.request<RunStarted>('POST', '/backup/runs', { mode });
  cancelBackup = () => this.request<{ runId: string; cancelRequested: true }>('POST', '/backup/cancel', {});
  runs = (options: { limit?: number; cursor?: string } = {}) =>
    this.request<{ items: Run[]; cursor?: string }>('GET', `/backup/runs${query(options)}`);
  schedule = () => this.request<ScheduleView>('GET', '/backup/schedule');
  saveSchedule = (change: Partial<Schedule>) => this.request<ScheduleView>('PUT', '/backup/schedule', change);
  scope = () => this.request<BackupScope>('GET', '/scope');
  saveScope = (body: { mode: ScopeMode; users: string[]; expectedVersion?: number }) =>
    this.request<BackupScopeSaved>('PUT', '/scope', body);
  users = (options: UsersQuery) => this.request<UsersPage>('GET', `/users${query({ ...options })}`);
  /** People of the tenant's directory whose name, UPN or mail starts with `search` (2-100 characters). */
  searchPeople = (search: string, limit?: number) =>
    this.request<PeopleList>('GET', `/people${query({ search, limit })}`);

  admins = () => this.request<{ items: Admin[] }>('GET', '/admins');
  addAdmin = (user: string) => this.request<Admin>('POST', '/admins', { user });
  removeAdmin = (userId: string) =>
    this.request<{ removed: true }>('DELETE', `/admins/${encodeURIComponent(userId)}`);
  targets = () => this.request<{ items: NotificationTarget[] }>('GET', '/notifications/targets');
  removeTarget = (targetId: string) =>
    this.request<{ removed: true }>('DELETE', `/notifications/targets/${encodeURIComponent(targetId)}`);
  audit = (limit = 50) => this.request<{ items: AuditEntry[] }>('GET', `/audit${query({ limit })}`);

  /** Browse, search, export, retention and erasure (/recovery/…). */
  recovery = new RecoveryApi(<T>(method: string, path: string, body?: unknown) =>
    this.request<T>(method, path, body),
  );

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    try {
      return await call<T>(method, path, body, await this.bearer(false));
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'unauthenticated') throw error;
      if (error.reason === 'expired_token') {
        // Teams hands out cached tokens until they expire; one fresh token and one retry.
        try {
          return await call<T>(method, path, body, await this.bearer(true));
        } catch (retried) {
          if (retried instanceof ApiError && retried.code === 'unauthenticated')
            this.onSignInRefused(retried);
          throw retried;
        }
      }
      this.onSignInRefused(error);
      throw error;
    }
  }

  private async bearer(renew: boolean): Promise<string> {
    try {
      return await this.tokens.token(renew);
    } catch (error) {
      throw new ApiError(
        0,
        'sign_in',
        `Teams could not sign you in to ChatVault (${describe(error)}). Close the tab and open it again; if it keeps happening, ask your Teams administrator whether ChatVault is allowed in your organization.`,
      );
    }
  }
}

async function call<T>(method: string, path: string, body: unknown, token: string | undefined): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(
      0,
      'network',
      "ChatVault's server could not be reached. Check your network connection and try again.",
    );
  }
  const text = await response.text();
  const parsed = parseJson(text);
  if (response.ok) return parsed as T;
  const error = (parsed as Partial<ApiErrorBody> | undefined)?.error;
  const retryAfter = Number(response.headers.get('Retry-After'));
  throw new ApiError(
    response.status,
    error?.code ?? (response.status >= 500 ? 'internal' : 'invalid_input'),
    error?.message ?? `ChatVault's server answered with HTTP ${response.status}. Try again in a moment.`,
    error?.field,
    error?.reason,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'no reason given';
}
