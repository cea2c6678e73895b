import { z } from 'zod';
import type { GraphRequest, GraphResult } from '../contracts';
import { directoryNotFound, directoryQueryErrors } from './graph-errors';
import { FilterSyntaxError, FilterUnsupportedError, type FilterComparison } from './odata/filter-expression';
import { link, metadataContext } from './odata/links';
import { QueryOptions } from './odata/query-options';
import { collectionBody, member, withLeadingMembers } from './odata/raw-json';
import { decodeToken, encodeToken, tokenInteger } from './odata/skip-token';
import { parseStartsWithFilter, type StartsWithTerm } from './odata/startswith-filter';
import type { RouteContext } from './route-context';

/**
 * `GET /users` and `GET /users/{id | userPrincipalName}` [user-list, user-get]: paged with
 * `@odata.nextLink`, `$top` 1..999 (100 by default), `$select`, and the `$filter` equalities a
 * backup uses to pick whose chats to read — `accountEnabled`, `userType`, `id`,
 * `userPrincipalName`, joined by `and` — or the people-picker search, `startswith` on
 * `displayName`, `givenName`, `surname`, `mail`, `mailNickname` or `userPrincipalName`, joined by
 * `or` (odata/startswith-filter.ts). Everything else Graph only serves as an "advanced query"
 * (`ConsistencyLevel: eventual` with `$count`), which the simulator does not implement: 400
 * `Request_UnsupportedQuery`, as Graph answers an advanced query sent without that header.
 * Deleted users are gone from both.
 */

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 999;

/** user properties `$select` may name. */
export const USER_PROPERTIES = [
  'id',
  'accountEnabled',
  'ageGroup',
  'assignedLicenses',
  'businessPhones',
  'city',
  'companyName',
  'country',
  'createdDateTime',
  'creationType',
  'deletedDateTime',
  'department',
  'displayName',
  'employeeHireDate',
  'employeeId',
  'employeeType',
  'externalUserState',
  'faxNumber',
  'givenName',
  'identities',
  'imAddresses',
  'jobTitle',
  'mail',
  'mailNickname',
  'mobilePhone',
  'officeLocation',
  'onPremisesSyncEnabled',
  'otherMails',
  'postalCode',
  'preferredLanguage',
  'proxyAddresses',
  'state',
  'streetAddress',
  'surname',
  'usageLocation',
  'userPrincipalName',
  'userType',
] as const;
export type UserProperty = (typeof USER_PROPERTIES)[number];

const USER_TYPES: ReadonlySet<string> = new Set(['Member', 'Guest']);

const pageToken = z.tuple([z.literal('users'), tokenInteger]);

/** [json, ordinal, id, upn, display_name, account_enabled, user_type] */
export type UserRow = [string, number, string, string, string, number, string];
const USER_COLUMNS = 'json, ordinal, id, upn, display_name, account_enabled, user_type';

export function listUsers(ctx: RouteContext, req: GraphRequest): GraphResult {
  const query = QueryOptions.read(
    req.query,
    ['$top', '$select', '$filter', '$skiptoken'],
    directoryQueryErrors,
  );
  const top = query.top(MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
  const select = query.select(USER_PROPERTIES);
  const prefixes = startsWithTerms(query);
  const selection = prefixes ? prefixSelection(query, prefixes) : userSelection(query, query.filter());
  const after = query.skipToken((token) => decodeToken(token, pageToken)?.[1]);

  const where = selection.conditions.map((condition) => ` AND ${condition}`).join('');
  const statement = ctx.sql.arraysOf(
    `SELECT ${USER_COLUMNS} FROM users WHERE tenant_id = ? AND deleted = 0 AND ordinal > ?${where} ORDER BY ordinal LIMIT ?`,
  );
  const rows = statement.all(
    req.caller.tenantId,
    after ?? Number.MIN_SAFE_INTEGER,
    ...selection.params,
    top + 1,
  ) as UserRow[];

  const count = Math.min(rows.length, top);
  const items = new Array<string>(count);
  for (let i = 0; i < count; i++) items[i] = userJson(rows[i], select);
  let nextLink: string | undefined;
  if (rows.length > top) {
    nextLink = link(req.baseUrl, '/users', [
      ...query.carried(['$top', '$select', '$filter']),
      ['$skiptoken', encodeToken(['users', rows[top - 1][1]])],
    ]);
  }
  const context = metadataContext(req.baseUrl, `users${selectSuffix(select)}`);
  return { status: 200, rawJson: collectionBody({ context, nextLink, items }) };
}

export function getUser(ctx: RouteContext, req: GraphRequest): GraphResult {
  const query = QueryOptions.read(req.query, ['$select'], directoryQueryErrors);
  const select = query.select(USER_PROPERTIES);
  const idOrUpn = req.params.userId;
  const byId = ctx.sql.arraysOf(
    `SELECT ${USER_COLUMNS} FROM users WHERE tenant_id = ? AND id = ? AND deleted = 0`,
  );
  const byUpn = ctx.sql.arraysOf(
    `SELECT ${USER_COLUMNS} FROM users WHERE tenant_id = ? AND upn = ? AND deleted = 0`,
  );
  const row = (byId.get(req.caller.tenantId, idOrUpn) ?? byUpn.get(req.caller.tenantId, idOrUpn)) as
    UserRow | undefined;
  if (!row) throw directoryNotFound(idOrUpn);
  const context = metadataContext(req.baseUrl, `users${selectSuffix(select)}/$entity`);
  return {
    status: 200,
    rawJson: withLeadingMembers(userJson(row, select), member('@odata.context', context)),
  };
}

export function selectSuffix(select: readonly string[] | undefined): string {
  return select ? `(${select.join(',')})` : '';
}

/**
 * The stored user, or with `$select` just the named properties in the order named (null when the
 * user has no value). The columns the filters read win over the stored JSON, so what a filter
 * matched on is what the caller sees.
 */
export function userJson(row: UserRow, select: readonly UserProperty[] | undefined): string {
  if (!select) return row[0];
  const stored = JSON.parse(row[0]) as Record<string, unknown>;
  const fromColumns: Partial<Record<UserProperty, unknown>> = {
    id: row[2],
    userPrincipalName: row[3],
    displayName: row[4],
    accountEnabled: row[5] === 1,
    userType: row[6],
  };
  const projected: Record<string, unknown> = {};
  for (const name of select)
    projected[name] = name in fromColumns ? fromColumns[name] : (stored[name] ?? null);
  return JSON.stringify(projected);
}

function userSelection(
  query: QueryOptions,
  filter: FilterComparison[],
): { conditions: string[]; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  for (const { property, operator, literal } of filter) {
    if (operator !== 'eq')
      throw query.errors.unsupported(`Unsupported Query: '${operator}' on '${property}'.`);
    switch (property) {
      case 'accountEnabled':
        if (literal.kind !== 'boolean')
          throw query.errors.malformed('accountEnabled compares with true or false.');
        conditions.push('account_enabled = ?');
        params.push(literal.value ? 1 : 0);
        break;
      case 'userType':
        if (literal.kind !== 'string' || !USER_TYPES.has(literal.value)) {
          throw query.errors.malformed("userType compares with 'Member' or 'Guest'.");
        }
        conditions.push('user_type = ?');
        params.push(literal.value);
        break;
      case 'id':
      case 'userPrincipalName':
        if (literal.kind !== 'string')
          throw query.errors.malformed(`${property} compares with a quoted string.`);
        conditions.push(property === 'id' ? 'id = ?' : 'upn = ?');
        params.push(literal.value);
        break;
      default:
        throw query.errors.unsupported(`Unsupported Query: $filter on '${property}'.`);
    }
  }
  return { conditions, params };
}

/**
 * Where each property startswith may name lives: the two the table has as columns, the others in
 * the stored user JSON. Graph supports startswith on a few more (city, department, otherMails…);
 * the simulator answers those as unsupported.
 */
const PREFIX_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['displayname', 'display_name'],
  ['userprincipalname', 'upn'],
  ['mail', "json_extract(json, '$.mail')"],
  ['givenname', "json_extract(json, '$.givenName')"],
  ['surname', "json_extract(json, '$.surname')"],
  ['mailnickname', "json_extract(json, '$.mailNickname')"],
]);

function startsWithTerms(query: QueryOptions): StartsWithTerm[] | undefined {
  const raw = query.get('$filter');
  if (raw === undefined) return undefined;
  try {
    return parseStartsWithFilter(raw);
  } catch (error) {
    if (error instanceof FilterUnsupportedError) throw query.errors.unsupported(error.message);
    if (error instanceof FilterSyntaxError) throw query.errors.malformed(`Invalid $filter: ${error.message}`);
    throw error;
  }
}

/**
 * Directory string comparisons ignore case. SQLite's LIKE folds ASCII letters only, so a prefix
 * differing from the name in the case of a non-ASCII letter (É/é) does not match here; Graph would.
 */
function prefixSelection(
  query: QueryOptions,
  terms: StartsWithTerm[],
): { conditions: string[]; params: unknown[] } {
  const alternatives: string[] = [];
  const params: unknown[] = [];
  for (const { property, prefix } of terms) {
    const column = PREFIX_COLUMNS.get(property.toLowerCase());
    if (!column) {
      throw query.errors.unsupported(
        `Unsupported or invalid query filter clause specified for property '${property}' of resource 'User'.`,
      );
    }
    alternatives.push(`${column} LIKE ? ESCAPE '\\'`);
    params.push(`${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  return { conditions: [`(${alternatives.join(' OR ')})`], params };
}
