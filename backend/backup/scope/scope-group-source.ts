import { z } from 'zod';
import type { ConnectionService } from '../../connection/connection-service';
import type { ConnectionTester } from '../../connection/connection-tester';
import { describeOutcome } from '../../connection/outcomes';
import { odataString } from '../../directory/graph-user-lookup';
import { DEFAULT_ADAPTIVE_RATE } from '../../graph/adaptive-rate';
import { createClientSecretCredential } from '../../graph/client-secret-credential';
import { GraphPacer } from '../../graph/graph-pacer';
import { resolveGraphLimits, type GraphRateLimitsChange } from '../../graph/graph-rate-limits';
import { GraphRequestCounter } from '../../graph/graph-request-counter';
import { GraphTransport } from '../../graph/graph-transport';
import { groupUserMemberPages } from '../../graph/group-member-pages';
import type { MicrosoftEndpoints } from '../../graph/microsoft-endpoints';
import { DEFAULT_RETRY_POLICY, PacedGraphRequester } from '../../graph/paced-graph-requester';
import { GraphReadError } from '../../graph/tenant-graph-source';
import { silentLogger, type Logger } from '../../observability/logger';
import type { ScopedGroup } from './backup-scope';

/** Reads a tenant's Entra groups through its saved app. Failures are `GraphReadError`s. */
export interface GroupReader {
  /** `GET /groups/{id}`; undefined when the tenant has no such group. */
  group(id: string): Promise<ScopedGroup | undefined>;
  /** `GET /groups?$filter=displayName eq '…'`: every group of that name (names may repeat). */
  groupsNamed(displayName: string): Promise<ScopedGroup[]>;
  /** The group's user members, nested groups expanded, page by page. */
  userMembers(groupId: string): AsyncIterable<{ id: string }[]>;
}

export type GroupAccess =
  /** The tenant has no saved app connection. */
  | { kind: 'not_connected' }
  /** No token could be had for the saved app (secret expired or replaced, Entra unreachable…). */
  | { kind: 'no_token'; message: string }
  /** A token was issued now: its application roles, and a reader that uses the same app. */
  | { kind: 'token'; roles: string[]; reader: GroupReader };

/** Entra groups for the scope: the roles the app's token has right now, and reads with it. */
export interface ScopeGroupSource {
  open(tenantId: string): Promise<GroupAccess>;
}

export interface ConnectedScopeGroupsOptions {
  endpoints: MicrosoftEndpoints;
  /** The tenant's saved app, as the backup engine opens it. */
  connection: Pick<ConnectionService, 'openCredentials'>;
  /** The connection test (`GraphConnectionTester`): where the token's roles are read. */
  tester: ConnectionTester;
  logger?: Logger;
  limits?: GraphRateLimitsChange;
  /** Each read's budget: an admin is waiting (the paced requester retries 429s without end). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

const groupSchema = z.object({ id: z.string().min(1), displayName: z.string().nullable().optional() });
const groupPage = z.object({ value: z.array(groupSchema) });

/**
 * Groups read through each tenant's saved app. The roles are never assumed, nor taken from the
 * connection's last saved test: `open` runs the connection test on the saved credentials
 * (`ConnectionTester.test` with `rolesOnly`: a new credential, so an empty token cache and a token
 * issued now, its `tid` checked and its `roles` read through `checkPermissions`, no Graph read). A permission granted a minute ago
 * is seen, one revoked is missed. The verdict is not saved: a scope save never changes the
 * connection's status. The reader gets a new credential too, hence a token as recent.
 */
export function connectedScopeGroups(options: ConnectedScopeGroupsOptions): ScopeGroupSource {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const logger = options.logger ?? silentLogger();
  return {
    async open(tenantId) {
      const credentials = await options.connection.openCredentials(tenantId);
      if (!credentials) return { kind: 'not_connected' };
      // The roles only: the test's Graph reads (users, chats, a message) prove nothing about groups.
      const verdict = await options.tester.test({ tenantId, ...credentials }, { rolesOnly: true });
      // No token, or one for another tenant: nothing can be read. Past that stage the roles are the
      // token's, whatever the test's Graph reads met afterwards (a 429 included).
      if (verdict.stage === 'token') {
        return { kind: 'no_token', message: describeOutcome(verdict.code, verdict.details).message };
      }
      const requester = new PacedGraphRequester(
        new GraphTransport(
          options.endpoints.graphBaseUrl,
          createClientSecretCredential({
            tenantId,
            appId: credentials.appId,
            secret: credentials.secret,
            authorityHost: options.endpoints.authorityHost,
          }),
        ),
        new GraphPacer(resolveGraphLimits(options.limits), DEFAULT_ADAPTIVE_RATE),
        new GraphRequestCounter(),
        DEFAULT_RETRY_POLICY,
        logger.child({ component: 'scope-groups', tenantId }),
      );
      const read = async <T>(schema: z.ZodType<T>, url: string, what: string): Promise<T> => {
        const signal = AbortSignal.timeout(timeoutMs);
        const { body } = await requester.get(url, { class: 'directory', what }, signal);
        return parseAs(schema, body, what);
      };
      const reader: GroupReader = {
        async group(id) {
          const url = `/groups/${encodeURIComponent(id)}?$select=id,displayName`;
          try {
            return scoped(await read(groupSchema, url, `group ${id}`));
          } catch (error) {
            // 404: no such group here (another tenant's included); 400: not an id Graph accepts.
            const none =
              error instanceof GraphReadError &&
              (error.reason === 'not_found' || error.reason === 'bad_request');
            if (none) return undefined;
            throw error;
          }
        },
        async groupsNamed(displayName) {
          const filter = encodeURIComponent(`displayName eq ${odataString(displayName)}`);
          const url = `/groups?$filter=${filter}&$select=id,displayName&$top=999`;
          const page = await read(groupPage, url, `groups named "${displayName}"`);
          return page.value.map(scoped);
        },
        userMembers: (groupId) =>
          groupUserMemberPages(
            requester,
            options.endpoints.graphBaseUrl,
            groupId,
            AbortSignal.timeout(timeoutMs),
          ),
      };
      return { kind: 'token', roles: verdict.permissions, reader };
    },
  };
}

function scoped(group: z.infer<typeof groupSchema>): ScopedGroup {
  return { id: group.id.toLowerCase(), displayName: group.displayName || group.id };
}

function parseAs<T>(schema: z.ZodType<T>, body: Buffer, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new GraphReadError(
      'unavailable',
      `Microsoft Graph answered the look-up of ${what} with an unexpected shape.`,
    );
  }
  return parsed.data;
}
