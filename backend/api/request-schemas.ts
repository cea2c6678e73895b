import { MAX_SCOPE_USERS } from '../backup/scope/scope-input';
import { z } from 'zod';
import type { UserState } from '../store/backup-records';

/**
 * What the tab may send: every body, query and path parameter the API accepts. Objects are strict
 * (an unknown field is refused and named, so a typo never turns into a silent default), strings are
 * bounded, and numbers are whole and ranged. The same schemas validate requests and describe them
 * in the OpenAPI document.
 */

/** Content checks (a GUID, a secret that looks like an ID…) belong to the connection test: it answers them as a report. */
export const connectBody = z
  .strictObject({
    appId: z
      .string()
      .max(200)
      .meta({ description: 'The Application (client) ID of the app the admin registered.' }),
    secret: z.string().max(1000).meta({
      description: 'The Value of a client secret of that app. Never returned, logged or shown again.',
    }),
    secretExpiresAt: z.string().max(40).optional().meta({
      description: 'The expiry Entra shows for the secret (YYYY-MM-DD); 24 months from today when absent.',
    }),
  })
  .meta({ id: 'ConnectInput' });

/** Actions that carry nothing: an empty body or `{}`. */
export const emptyBody = z.strictObject({}).meta({ id: 'EmptyInput' });

export const startRunBody = z
  .strictObject({
    mode: z.enum(['auto', 'full']).default('auto').meta({
      description:
        '`auto`: incremental, or full when the tenant never had a full run finish. `full`: reconcile everything.',
    }),
  })
  .meta({ id: 'StartRunInput' });

export const scheduleBody = z
  .strictObject({
    enabled: z.boolean().optional(),
    incrementalEveryMinutes: z.int().min(5).max(10_080).optional(),
    fullEveryDays: z.int().min(1).max(365).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, {
    message: 'Give at least one of enabled, incrementalEveryMinutes, fullEveryDays.',
  })
  .meta({
    id: 'ScheduleChange',
    description: 'The fields to change; the others keep their value.',
    minProperties: 1,
  });

export const scopeBody = z
  .strictObject({
    mode: z.enum(['all', 'only', 'allExcept']),
    users: z
      .array(z.string())
      .max(MAX_SCOPE_USERS)
      .default([])
      .meta({
        description:
          'UPNs or Entra object ids: those `only` backs up, or those `allExcept` leaves out. ' +
          'Empty for `all`. An entry `group:<object id or display name>` names an Entra group: its ' +
          'user members, nested groups included, as read at each backup (needs GroupMember.Read.All).',
      }),
    expectedVersion: z.int().optional().meta({
      description: 'The `version` the form showed; a scope saved since then is a 409 `scope_changed`.',
    }),
  })
  .meta({ id: 'BackupScopeChange' });

export const addAdminBody = z
  .strictObject({
    user: z
      .string()
      .trim()
      .min(1)
      .max(320)
      .meta({ description: "The person's user principal name (e.g. ada@contoso.com) or Entra object id." }),
  })
  .meta({ id: 'AddAdminInput' });

export const demoTokenBody = z
  .strictObject({
    upn: z.string().trim().min(1).max(320).meta({ description: 'One of the demo users of /client-config.' }),
  })
  .meta({ id: 'DemoTokenInput' });

/** A page size query parameter (also the recovery routes'). */
export const limit = (max: number, fallback: number) =>
  z.coerce
    .number()
    .int()
    .min(1)
    .max(max)
    .optional()
    .meta({ description: `At most this many items (default ${fallback}).` });

const cursor = z
  .string()
  .min(1)
  .max(4096)
  .optional()
  .meta({ description: 'The `cursor` of the previous page, with the same other parameters.' });

export const runsQuery = z.strictObject({ limit: limit(100, 20), cursor });

export const USER_SORT_KEYS = [
  'displayName',
  'userPrincipalName',
  'chats',
  'messages',
  'lastBackedUpAt',
  'state',
  'inScope',
] as const;
export type UserSortKey = (typeof USER_SORT_KEYS)[number];

export const USER_STATES = [
  'active',
  'unlicensed',
  'disabled',
  'deleted',
  'notFound',
] as const satisfies readonly UserState[];

export const usersQuery = z.strictObject({
  sort: z.enum(USER_SORT_KEYS).optional().meta({
    description:
      'Column to sort by (default displayName). `inScope` ascending: in scope first, longest in scope first, then not in scope.',
  }),
  order: z.enum(['asc', 'desc']).optional().meta({ description: 'Default asc.' }),
  filter: z
    .string()
    .max(200)
    .optional()
    .meta({ description: 'Case-insensitive text the display name or user principal name contains.' }),
  state: z
    .enum([...USER_STATES, 'problems'])
    .optional()
    .meta({ description: 'Only users in this state, or (`problems`) only users with at least one problem.' }),
  inScope: z
    .enum(['true', 'false'])
    .optional()
    .meta({ description: 'Only users in the backup scope (`true`), or only those left out (`false`).' }),
  limit: limit(200, 50),
  cursor,
});

export const auditQuery = z.strictObject({ limit: limit(200, 50) });

/** Shortest and longest picker text: one letter matches too many people to be worth a Graph call. */
export const PEOPLE_SEARCH_MIN = 2;
export const PEOPLE_SEARCH_MAX = 100;

export const peopleQuery = z.strictObject({
  search: z
    .string()
    .trim()
    .min(PEOPLE_SEARCH_MIN, `type at least ${PEOPLE_SEARCH_MIN} characters`)
    .max(PEOPLE_SEARCH_MAX, `type at most ${PEOPLE_SEARCH_MAX} characters`)
    .meta({
      description:
        'The start of a display name, user principal name or mail address (any case); trimmed, 2 to 100 characters.',
    }),
  limit: limit(25, 10),
});

/** No query parameters at all. */
export const noQuery = z.strictObject({});

const idParam = (description: string) => z.string().min(1).max(200).meta({ description });

export const runParams = z.strictObject({ runId: idParam('A run id of this tenant.') });
export const adminParams = z.strictObject({
  userId: idParam("The admin's Entra object id, or the UPN of their admin record."),
});
export const targetParams = z.strictObject({ targetId: idParam('A notification target id of this tenant.') });
export const noParams = z.strictObject({});

export type ConnectBody = z.infer<typeof connectBody>;
export type StartRunBody = z.infer<typeof startRunBody>;
export type ScheduleBody = z.infer<typeof scheduleBody>;
export type AddAdminBody = z.infer<typeof addAdminBody>;
export type DemoTokenBody = z.infer<typeof demoTokenBody>;
export type RunsQuery = z.infer<typeof runsQuery>;
export type UsersQuery = z.infer<typeof usersQuery>;
export type AuditQuery = z.infer<typeof auditQuery>;
export type PeopleQuery = z.infer<typeof peopleQuery>;
