import { guidFrom } from './graph-ids';
import { isoTime } from './message-json';
import type { SimulatorDb } from './schema';
import type { StateContext } from './state-context';
import { StateError } from './state-error';

/**
 * Entra groups and their members: directory users and nested groups. Only security groups are
 * made (`groupTypes` empty, `securityEnabled`): Microsoft 365 groups cannot hold other groups
 * [group-list-transitivemembers], and nesting is what scope-by-group has to expand.
 */

export type GroupMemberType = 'user' | 'group';

/** `GET /groups` without `$select` returns these properties (group-list, group-get examples). */
export interface GroupJson {
  id: string;
  deletedDateTime: null;
  classification: null;
  createdDateTime: string;
  description: string | null;
  displayName: string;
  expirationDateTime: null;
  groupTypes: string[];
  isAssignableToRole: null;
  mail: string | null;
  mailEnabled: boolean;
  mailNickname: string;
  membershipRule: null;
  membershipRuleProcessingState: null;
  onPremisesLastSyncDateTime: null;
  onPremisesSecurityIdentifier: null;
  onPremisesSyncEnabled: null;
  preferredDataLocation: null;
  preferredLanguage: null;
  proxyAddresses: string[];
  renewedDateTime: string;
  resourceBehaviorOptions: string[];
  resourceProvisioningOptions: string[];
  securityEnabled: boolean;
  securityIdentifier: string;
  theme: null;
  visibility: null;
  onPremisesProvisioningErrors: unknown[];
}

export interface GroupRow {
  tenant_id: string;
  id: string;
  display_name: string;
  ordinal: number;
  json: string;
}

export interface GroupMember {
  id: string;
  type: GroupMemberType;
}

export interface GroupRecord {
  tenantId: string;
  id: string;
  displayName: string;
  /** Direct members, users and nested groups, in the order they were added. */
  members: GroupMember[];
  json: GroupJson;
}

export interface NewGroup {
  /** Derived from the tenant and name when absent. */
  id?: string;
  displayName: string;
  description?: string | null;
}

export type MemberRef = { userId: string } | { groupId: string };

/** `S-1-12-1-` and the GUID's four 32-bit words, as Entra derives a cloud group's SID. */
function securityIdentifier(id: string): string {
  const bytes = Buffer.from(id.replace(/-/g, ''), 'hex');
  const words = [0, 4, 8, 12].map((offset) => bytes.readUInt32LE(offset));
  return `S-1-12-1-${words.join('-')}`;
}

function nickname(displayName: string): string {
  return (
    displayName
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 64) || 'group'
  );
}

export function groupJson(g: {
  id: string;
  displayName: string;
  description: string | null;
  createdMs: number;
}): GroupJson {
  const created = isoTime(g.createdMs);
  return {
    id: g.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: created,
    description: g.description,
    displayName: g.displayName,
    expirationDateTime: null,
    groupTypes: [],
    isAssignableToRole: null,
    mail: null,
    mailEnabled: false,
    mailNickname: nickname(g.displayName),
    membershipRule: null,
    membershipRuleProcessingState: null,
    onPremisesLastSyncDateTime: null,
    onPremisesSecurityIdentifier: null,
    onPremisesSyncEnabled: null,
    preferredDataLocation: null,
    preferredLanguage: null,
    proxyAddresses: [],
    renewedDateTime: created,
    resourceBehaviorOptions: [],
    resourceProvisioningOptions: [],
    securityEnabled: true,
    securityIdentifier: securityIdentifier(g.id),
    theme: null,
    visibility: null,
    onPremisesProvisioningErrors: [],
  };
}

/** The row a new group is stored as; the seed writes the same rows in bulk. */
export function groupRow(tenantId: string, g: NewGroup, ordinal: number, createdMs: number): GroupRow {
  const id = (g.id ?? guidFrom(tenantId, 'group', g.displayName.toLowerCase())).toLowerCase();
  const json = groupJson({ id, displayName: g.displayName, description: g.description ?? null, createdMs });
  return { tenant_id: tenantId, id, display_name: g.displayName, ordinal, json: JSON.stringify(json) };
}

const statements = new WeakMap<SimulatorDb, ReturnType<typeof prepare>>();

function prepare(db: SimulatorDb) {
  return {
    insertGroup: db.prepare(
      'INSERT INTO groups (tenant_id, id, display_name, ordinal, json) VALUES (@tenant_id, @id, @display_name, @ordinal, @json)',
    ),
    nextOrdinal: db.prepare('SELECT COALESCE(MAX(ordinal) + 1, 0) AS n FROM groups WHERE tenant_id = ?'),
    group: db.prepare('SELECT * FROM groups WHERE tenant_id = ? AND lower(id) = lower(?)'),
    groups: db.prepare('SELECT * FROM groups WHERE tenant_id = ? ORDER BY ordinal'),
    deleteGroup: db.prepare('DELETE FROM groups WHERE tenant_id = ? AND id = ?'),
    insertMember: db.prepare(
      'INSERT INTO group_members (tenant_id, group_id, member_id, member_type) VALUES (?, ?, ?, ?)',
    ),
    members: db.prepare(
      'SELECT member_id AS id, member_type AS type FROM group_members WHERE tenant_id = ? AND group_id = ? ORDER BY rowid',
    ),
    member: db.prepare(
      'SELECT member_id AS id, member_type AS type FROM group_members WHERE tenant_id = ? AND group_id = ? AND lower(member_id) = lower(?)',
    ),
    deleteMember: db.prepare(
      'DELETE FROM group_members WHERE tenant_id = ? AND group_id = ? AND member_id = ?',
    ),
    deleteMemberships: db.prepare(
      'DELETE FROM group_members WHERE tenant_id = ? AND (group_id = ? OR member_id = ?)',
    ),
    // Every group nested in `group_id`, itself included; UNION (not UNION ALL) ends any cycle.
    nestedGroups: db.prepare(
      `WITH RECURSIVE nested(id) AS (
         SELECT @groupId
         UNION
         SELECT m.member_id FROM group_members m JOIN nested n ON m.group_id = n.id
         WHERE m.tenant_id = @tenantId AND m.member_type = 'group'
       )
       SELECT id FROM nested`,
    ),
    transitiveUsers: db.prepare(
      `WITH RECURSIVE nested(id) AS (
         SELECT @groupId
         UNION
         SELECT m.member_id FROM group_members m JOIN nested n ON m.group_id = n.id
         WHERE m.tenant_id = @tenantId AND m.member_type = 'group'
       )
       SELECT DISTINCT u.id FROM group_members m
       JOIN nested n ON m.group_id = n.id
       JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.member_id
       WHERE m.tenant_id = @tenantId AND m.member_type = 'user' AND u.deleted = 0
       ORDER BY u.ordinal`,
    ),
  };
}

export function groupStatements(db: SimulatorDb): ReturnType<typeof prepare> {
  let prepared = statements.get(db);
  if (!prepared) {
    prepared = prepare(db);
    statements.set(db, prepared);
  }
  return prepared;
}

function toRecord(ctx: StateContext, row: GroupRow): GroupRecord {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    displayName: row.display_name,
    members: groupStatements(ctx.db).members.all(row.tenant_id, row.id) as GroupMember[],
    json: JSON.parse(row.json) as GroupJson,
  };
}

function requireGroup(ctx: StateContext, tenantId: string, groupId: string): GroupRow {
  const row = groupStatements(ctx.db).group.get(tenantId, groupId) as GroupRow | undefined;
  if (!row) throw new StateError('groupNotFound', `group ${groupId} not found in tenant ${tenantId}`);
  return row;
}

export function findGroup(ctx: StateContext, tenantId: string, groupId: string): GroupRecord | undefined {
  const row = groupStatements(ctx.db).group.get(tenantId, groupId) as GroupRow | undefined;
  return row && toRecord(ctx, row);
}

export function listGroups(ctx: StateContext, tenantId: string): GroupRecord[] {
  return (groupStatements(ctx.db).groups.all(tenantId) as GroupRow[]).map((row) => toRecord(ctx, row));
}

/** The live users of the group and of every group nested in it, each once, in directory order. */
export function transitiveUserIds(ctx: StateContext, tenantId: string, groupId: string): string[] {
  const rows = groupStatements(ctx.db).transitiveUsers.all({ tenantId, groupId }) as { id: string }[];
  return rows.map((row) => row.id);
}

export function createGroup(
  ctx: StateContext,
  tenantIdOrDomain: string,
  g: NewGroup,
  members: readonly MemberRef[] = [],
): GroupRecord {
  return ctx.write(() => {
    const tenant = ctx.requireTenant(tenantIdOrDomain);
    const stmt = groupStatements(ctx.db);
    const { n } = stmt.nextOrdinal.get(tenant.id) as { n: number };
    const row = groupRow(tenant.id, g, n, ctx.clock.now());
    if (stmt.group.get(tenant.id, row.id)) {
      throw new StateError('conflict', `a group with id ${row.id} already exists`);
    }
    stmt.insertGroup.run(row);
    for (const member of members) insertMember(ctx, tenant.id, row.id, member);
    return toRecord(ctx, row);
  });
}

export function addGroupMember(
  ctx: StateContext,
  tenantIdOrDomain: string,
  groupId: string,
  member: MemberRef,
): GroupRecord {
  return ctx.write(() => {
    const tenant = ctx.requireTenant(tenantIdOrDomain);
    const row = requireGroup(ctx, tenant.id, groupId);
    insertMember(ctx, tenant.id, row.id, member);
    return toRecord(ctx, row);
  });
}

export function removeGroupMember(
  ctx: StateContext,
  tenantIdOrDomain: string,
  groupId: string,
  memberId: string,
): GroupRecord {
  return ctx.write(() => {
    const tenant = ctx.requireTenant(tenantIdOrDomain);
    const row = requireGroup(ctx, tenant.id, groupId);
    const stmt = groupStatements(ctx.db);
    const found = stmt.member.get(tenant.id, row.id, memberId) as GroupMember | undefined;
    if (!found) {
      throw new StateError('memberNotFound', `${memberId} is not a direct member of group ${row.id}`);
    }
    stmt.deleteMember.run(tenant.id, row.id, found.id);
    return toRecord(ctx, row);
  });
}

/** Removes the group, its memberships and its place in other groups: Graph answers 404 for it. */
export function deleteGroup(ctx: StateContext, tenantIdOrDomain: string, groupId: string): void {
  ctx.write(() => {
    const tenant = ctx.requireTenant(tenantIdOrDomain);
    const row = requireGroup(ctx, tenant.id, groupId);
    const stmt = groupStatements(ctx.db);
    stmt.deleteMemberships.run(tenant.id, row.id, row.id);
    stmt.deleteGroup.run(tenant.id, row.id);
  });
}

function insertMember(ctx: StateContext, tenantId: string, groupId: string, member: MemberRef): void {
  const stmt = groupStatements(ctx.db);
  let id: string;
  let type: GroupMemberType;
  if ('userId' in member) {
    const user = ctx.directoryUser(tenantId, member.userId);
    if (!user) throw new StateError('userNotFound', `user ${member.userId} not found in tenant ${tenantId}`);
    id = user.id;
    type = 'user';
  } else {
    const nested = requireGroup(ctx, tenantId, member.groupId);
    // A group may not contain itself, directly or through the groups nested in it.
    const inside = (stmt.nestedGroups.all({ tenantId, groupId: nested.id }) as { id: string }[]).map(
      (row) => row.id,
    );
    if (inside.includes(groupId)) {
      throw new StateError('invalid', `group ${nested.id} contains group ${groupId}: nesting would loop`);
    }
    id = nested.id;
    type = 'group';
  }
  if (stmt.member.get(tenantId, groupId, id)) {
    throw new StateError('conflict', `${id} is already a member of group ${groupId}`);
  }
  stmt.insertMember.run(tenantId, groupId, id, type);
}
