import { z } from 'zod';
import type { GraphRequest, GraphResult } from '../contracts';
import { directoryNotFound, directoryQueryErrors, directoryUnsupportedQuery } from './graph-errors';
import type { FilterComparison } from './odata/filter-expression';
import { link, metadataContext, pathSegment } from './odata/links';
import { QueryOptions } from './odata/query-options';
import { collectionBody, member, withLeadingMembers } from './odata/raw-json';
import { decodeToken, encodeToken, tokenInteger } from './odata/skip-token';
import type { RouteContext } from './route-context';
import { selectSuffix, userJson, USER_PROPERTIES, type UserRow } from './users-routes';

/**
 * `GET /groups`, `GET /groups/{id}` and `GET /groups/{id}/transitiveMembers/microsoft.graph.user`
 * [group-list, group-get, group-list-transitivemembers].
 *
 * - Pages of 100 by default, `$top` up to 999 [group-list], `@odata.nextLink` with `$skiptoken`.
 * - `/groups` filters on `displayName eq '…'` and `id eq '…'`, both served without advanced query
 *   parameters [aad-advanced-queries, group properties table]; directory string comparisons ignore
 *   case. Any other filter is 400 `Request_UnsupportedQuery`, worded as Graph words it for groups.
 * - The OData cast to `microsoft.graph.user` on a transitive members list is an advanced query
 *   [aad-advanced-queries, "Use of OData cast with transitive members list";
 *   group-list-transitivemembers]: without `ConsistencyLevel: eventual` and `$count=true` it is 400
 *   `Request_UnsupportedQuery`. With them, `@odata.count` (the total) heads every page.
 * - Members are the group's users and those of every group nested in it, each once; deleted users
 *   are left out. A group of another tenant is 404, like one that does not exist.
 */

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 999;

/** group properties `$select` may name (the default set [group-get]). */
const GROUP_PROPERTIES = [
  'id',
  'deletedDateTime',
  'classification',
  'createdDateTime',
  'description',
  'displayName',
  'expirationDateTime',
  'groupTypes',
  'isAssignableToRole',
  'mail',
  'mailEnabled',
  'mailNickname',
  'membershipRule',
  'membershipRuleProcessingState',
  'onPremisesLastSyncDateTime',
  'onPremisesSecurityIdentifier',
  'onPremisesSyncEnabled',
  'preferredDataLocation',
  'preferredLanguage',
  'proxyAddresses',
  'renewedDateTime',
  'resourceBehaviorOptions',
  'resourceProvisioningOptions',
  'securityEnabled',
  'securityIdentifier',
  'theme',
  'visibility',
  'onPremisesProvisioningErrors',
] as const;
type GroupProperty = (typeof GROUP_PROPERTIES)[number];

const groupsToken = z.tuple([z.literal('groups'), tokenInteger]);
const membersToken = z.tuple([z.literal('transitiveMembers'), z.string(), tokenInteger]);

/** [json, ordinal, id, display_name] */
type GroupRow = [string, number, string, string];

export function listGroups(ctx: RouteContext, req: GraphRequest): GraphResult {
  const query = QueryOptions.read(
    req.query,
    ['$top', '$select', '$filter', '$skiptoken'],
    directoryQueryErrors,
  );
  const top = query.top(MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
  const select = query.select(GROUP_PROPERTIES);
  const selection = groupSelection(query.filter());
  const after = query.skipToken((token) => decodeToken(token, groupsToken)?.[1]);
  const where = selection.conditions.map((condition) => ` AND ${condition}`).join('');
  const rows = ctx.sql
    .arraysOf(
      `SELECT json, ordinal, id, display_name FROM groups WHERE tenant_id = ? AND ordinal > ?${where} ORDER BY ordinal LIMIT ?`,
    )
    .all(req.caller.tenantId, after ?? Number.MIN_SAFE_INTEGER, ...selection.params, top + 1) as GroupRow[];
  const items = rows.slice(0, top).map((row) => groupJson(row, select));
  const nextLink =
    rows.length > top
      ? link(req.baseUrl, '/groups', [
          ...query.carried(['$top', '$select', '$filter']),
          ['$skiptoken', encodeToken(['groups', rows[top - 1]![1]])],
        ])
      : undefined;
  const context = metadataContext(req.baseUrl, `groups${selectSuffix(select)}`);
  return { status: 200, rawJson: collectionBody({ context, nextLink, items }) };
}

export function getGroup(ctx: RouteContext, req: GraphRequest): GraphResult {
  const query = QueryOptions.read(req.query, ['$select'], directoryQueryErrors);
  const select = query.select(GROUP_PROPERTIES);
  const row = requireGroup(ctx, req);
  const context = metadataContext(req.baseUrl, `groups${selectSuffix(select)}/$entity`);
  return {
    status: 200,
    rawJson: withLeadingMembers(groupJson(row, select), member('@odata.context', context)),
  };
}

export function listTransitiveUserMembers(ctx: RouteContext, req: GraphRequest): GraphResult {
  const query = QueryOptions.read(
    req.query,
    ['$top', '$select', '$count', '$skiptoken'],
    directoryQueryErrors,
  );
  const eventual = (req.headers['consistencylevel'] ?? '').trim().toLowerCase() === 'eventual';
  if (!eventual || query.get('$count')?.trim().toLowerCase() !== 'true') {
    throw directoryUnsupportedQuery(
      'OData cast on a transitive members list is supported only as an advanced query: add the ' +
        '$count=true query parameter and the ConsistencyLevel: eventual header.',
    );
  }
  const top = query.top(MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
  const select = query.select(USER_PROPERTIES);
  const group = requireGroup(ctx, req);
  const groupId = group[2];
  const after = query.skipToken((token) => {
    const decoded = decodeToken(token, membersToken);
    return decoded && decoded[1] === groupId ? decoded[2] : undefined;
  });
  const params = { tenantId: req.caller.tenantId, groupId };
  const users = ctx.sql
    .arraysOf(
      `${NESTED_GROUPS}
       SELECT DISTINCT u.json, u.ordinal, u.id, u.upn, u.display_name, u.account_enabled, u.user_type
       FROM group_members m
       JOIN nested n ON m.group_id = n.id
       JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.member_id
       WHERE m.tenant_id = @tenantId AND m.member_type = 'user' AND u.deleted = 0 AND u.ordinal > @after
       ORDER BY u.ordinal LIMIT @limit`,
    )
    .all({ ...params, after: after ?? Number.MIN_SAFE_INTEGER, limit: top + 1 }) as UserRow[];
  const [count] = ctx.sql
    .arraysOf(
      `${NESTED_GROUPS}
       SELECT COUNT(DISTINCT u.id) FROM group_members m
       JOIN nested n ON m.group_id = n.id
       JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.member_id
       WHERE m.tenant_id = @tenantId AND m.member_type = 'user' AND u.deleted = 0`,
    )
    .get(params) as [number];
  const items = users.slice(0, top).map((row) => userJson(row, select));
  const nextLink =
    users.length > top
      ? link(req.baseUrl, `/groups/${pathSegment(groupId)}/transitiveMembers/microsoft.graph.user`, [
          ...query.carried(['$top', '$select', '$count']),
          ['$skiptoken', encodeToken(['transitiveMembers', groupId, users[top - 1]![1]])],
        ])
      : undefined;
  const context = metadataContext(req.baseUrl, `users${selectSuffix(select)}`);
  return { status: 200, rawJson: collectionBody({ context, count, nextLink, items }) };
}

/** The group and every group nested in it; UNION (not UNION ALL) ends any cycle. */
const NESTED_GROUPS = `WITH RECURSIVE nested(id) AS (
  SELECT @groupId
  UNION
  SELECT g.member_id FROM group_members g JOIN nested n ON g.group_id = n.id
  WHERE g.tenant_id = @tenantId AND g.member_type = 'group'
)`;

function requireGroup(ctx: RouteContext, req: GraphRequest): GroupRow {
  const id = req.params.groupId;
  const row = ctx.sql
    .arraysOf(
      'SELECT json, ordinal, id, display_name FROM groups WHERE tenant_id = ? AND lower(id) = lower(?)',
    )
    .get(req.caller.tenantId, id) as GroupRow | undefined;
  if (!row) throw directoryNotFound(id);
  return row;
}

function groupJson(row: GroupRow, select: readonly GroupProperty[] | undefined): string {
  if (!select) return row[0];
  const stored = JSON.parse(row[0]) as Record<string, unknown>;
  const projected: Record<string, unknown> = {};
  for (const name of select) projected[name] = stored[name] ?? null;
  return JSON.stringify(projected);
}

function groupSelection(filter: FilterComparison[]): { conditions: string[]; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  for (const { property, operator, literal } of filter) {
    const column =
      property.toLowerCase() === 'displayname' ? 'display_name' : property === 'id' ? 'id' : undefined;
    if (!column) {
      throw directoryUnsupportedQuery(
        `Unsupported or invalid query filter clause specified for property '${property}' of resource 'Group'.`,
      );
    }
    if (operator !== 'eq') {
      // ne and not are advanced queries [aad-advanced-queries], which the simulator does not serve.
      throw directoryUnsupportedQuery(
        `Operator '${operator}' is not supported because the required parameters might be missing. ` +
          'Try adding $count=true query parameter and ConsistencyLevel:eventual header.',
      );
    }
    if (literal.kind !== 'string') {
      throw directoryQueryErrors.malformed(`${property} compares with a quoted string.`);
    }
    // The column's NOCASE collation makes the equality ignore (ASCII) case, as the directory does.
    conditions.push(column === 'id' ? 'lower(id) = lower(?)' : 'display_name = ?');
    params.push(literal.value);
  }
  return { conditions, params };
}
