import { z } from 'zod';
import { GUIDE_STEPS, type GuideStepId } from '../connection/guide-steps';
import { OUTCOME_CODES, type OutcomeCode } from '../connection/outcomes';
import { RUN_COUNTER_NAMES, type RunCounters } from '../store/backup-records';
import { API_ERROR_STATUS, type ApiErrorCode, type ApiErrorReason } from './api-error';
import { USER_STATES } from './request-schemas';

/**
 * What the tab receives, as zod schemas. They are the OpenAPI document's response schemas and the
 * tests check every answer against them; the handlers' TypeScript types come from elsewhere (the
 * services), so a drift between the two fails a test rather than passing silently.
 */

/** An ISO 8601 moment in an answer (also the recovery routes'). */
export const time = (description?: string) =>
  z.string().meta({ format: 'date-time', ...(description ? { description } : {}) });

const outcomeCode = z.enum(OUTCOME_CODES as [OutcomeCode, ...OutcomeCode[]]).meta({ id: 'OutcomeCode' });
const guideStep = z
  .enum(Object.keys(GUIDE_STEPS) as [GuideStepId, ...GuideStepId[]])
  .meta({ id: 'GuideStep', description: 'The step of the setup guide to redo.' });

export const actorSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('user'), id: z.string(), name: z.string().optional() }),
    z.object({ kind: z.literal('operator'), name: z.string() }),
    z.object({ kind: z.literal('system'), name: z.string() }),
  ])
  .meta({
    id: 'Actor',
    description: 'Who did it: a person (Entra object id), the server operator, or ChatVault itself.',
  });

const errorCodes = Object.keys(API_ERROR_STATUS) as [ApiErrorCode, ...ApiErrorCode[]];
const errorReasons: [ApiErrorReason, ...ApiErrorReason[]] = [
  'missing_token',
  'invalid_token',
  'expired_token',
  'not_connected',
  'run_in_progress',
  'no_active_run',
  'last_admin',
  'scope_changed',
  'scope_busy',
  'backup_running',
];

export const errorSchema = z
  .object({
    error: z.object({
      code: z.enum(errorCodes),
      message: z.string().meta({ description: 'A sentence for a person: what happened and what to do.' }),
      field: z.string().optional().meta({
        description: 'For `invalid_input`: the body field or query parameter (dotted path) at fault.',
      }),
      reason: z
        .enum(errorReasons)
        .optional()
        .meta({ description: 'For `unauthenticated` and `conflict`: which one.' }),
      entries: z.array(z.string()).optional().meta({
        description:
          'For `invalid_input` on a list: the entries at fault (unknown, repeated, malformed), as sent.',
      }),
    }),
  })
  .meta({ id: 'Error' });

export const meSchema = z
  .object({
    tenantId: z.string(),
    userId: z.string().meta({ description: "The signed-in person's Entra object id (the token's oid)." }),
    displayName: z.string(),
    userPrincipalName: z.string().optional(),
    isAdmin: z.boolean(),
    tenantHasAdmins: z
      .boolean()
      .meta({ description: 'False until someone connects a working app: then anyone may connect.' }),
  })
  .meta({ id: 'Me' });

const portalLinks = z
  .object({
    appRegistrations: z.url(),
    newRegistration: z.url(),
    app: z
      .object({ overview: z.url(), secrets: z.url(), apiPermissions: z.url() })
      .optional()
      .meta({ description: 'Pages of the saved (or last tried) app.' }),
  })
  .meta({ id: 'PortalLinks', description: 'Entra admin pages the setup guide sends the admin to.' });

export const connectionViewSchema = z
  .object({
    tenantId: z.string(),
    status: z.enum(['inactive', 'active', 'failing', 'expiring']),
    reason: z
      .object({
        code: outcomeCode,
        message: z.string(),
        step: guideStep.nullable(),
        stepTitle: z.string().nullable(),
        since: time('Failing since.'),
      })
      .optional()
      .meta({ description: 'Present while `failing`: why, and which guide step to redo.' }),
    appId: z.string().optional(),
    secretHint: z
      .string()
      .optional()
      .meta({ description: 'The first three characters of the secret, as Entra shows them.' }),
    savedAt: time().optional(),
    savedBy: actorSchema.optional(),
    expiresAt: time().optional(),
    daysUntilExpiry: z.int().optional(),
    permissions: z.array(z.string()).meta({ description: 'Application permissions the last good test saw.' }),
    lastTest: z.object({ at: time(), ok: z.boolean(), code: outcomeCode, message: z.string() }).optional(),
    lastAttempt: z
      .object({
        at: time(),
        by: actorSchema,
        ok: z.boolean(),
        code: outcomeCode,
        message: z.string(),
        appId: z.string().optional(),
        secretHint: z.string().optional(),
      })
      .optional()
      .meta({ description: 'The last Test & Save, whatever its outcome.' }),
    tenant: z.object({
      id: z.string(),
      domain: z
        .string()
        .optional()
        .meta({ description: "The domain of the signed-in person's user principal name." }),
    }),
    portal: portalLinks,
  })
  .meta({ id: 'ConnectionView' });

export const connectionReportSchema = z
  .object({
    ok: z.boolean(),
    code: outcomeCode,
    message: z.string(),
    step: guideStep.nullable(),
    stepTitle: z.string().nullable(),
    stage: z.enum(['input', 'token', 'permissions', 'graph']),
    permissions: z.array(z.string()),
    fields: z
      .array(
        z.object({
          field: z.enum(['appId', 'secret', 'secretExpiresAt']),
          code: outcomeCode,
          message: z.string(),
        }),
      )
      .meta({ description: 'One entry per form field refused before anything was sent to Microsoft.' }),
    saved: z.boolean(),
    becameAdmin: z.boolean().meta({
      description: 'True when this working connect made the caller the first ChatVault admin of the tenant.',
    }),
    status: connectionViewSchema,
  })
  .meta({ id: 'ConnectionReport' });

export const connectionRemovedSchema = z
  .object({ removed: z.literal(true), status: connectionViewSchema })
  .meta({ id: 'ConnectionRemoved' });

const runErrorSchema = z.object({
  kind: z.string(),
  message: z.string(),
  at: time(),
  userId: z.string().optional(),
  chatId: z.string().optional(),
  messageId: z.string().optional(),
});

export const runSchema = z
  .object({
    tenantId: z.string(),
    runId: z.string(),
    trigger: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('schedule') }),
      z.object({ kind: z.literal('manual'), by: z.object({ userId: z.string(), displayName: z.string() }) }),
      z.object({ kind: z.literal('cli') }),
    ]),
    startedAt: time(),
    updatedAt: time(),
    status: z.enum(['running', 'finished']),
    phase: z.string(),
    percent: z.number().min(0).max(100),
    counters: z.object(
      Object.fromEntries(RUN_COUNTER_NAMES.map((name) => [name, z.number()])) as Record<
        keyof RunCounters,
        z.ZodNumber
      >,
    ),
    errors: z.array(z.object({ kind: z.string(), count: z.int(), examples: z.array(runErrorSchema) })),
    cancelRequestedAt: time().optional(),
    finishedAt: time().optional(),
    outcome: z.enum(['succeeded', 'partial', 'failed', 'cancelled']).optional(),
  })
  .meta({ id: 'Run' });

const runMode = z.enum(['full', 'incremental']);
const lastRunSchema = z.object({
  runId: z.string(),
  outcome: z.enum(['succeeded', 'partial', 'failed', 'cancelled']),
  startedAt: time(),
  finishedAt: time(),
});

export const scheduleSchema = z
  .object({ enabled: z.boolean(), incrementalEveryMinutes: z.number(), fullEveryDays: z.number() })
  .meta({ id: 'Schedule' });

export const scheduleViewSchema = z
  .object({ schedule: scheduleSchema, nextRunAt: time('When the next scheduled run falls due.').optional() })
  .meta({ id: 'ScheduleView' });

export const backupStatusSchema = z
  .object({
    tenantId: z.string(),
    active: z
      .object({ run: runSchema, mode: runMode })
      .optional()
      .meta({ description: 'The run under way.' }),
    last: runSchema.optional().meta({ description: 'The run that finished last.' }),
    lastFull: lastRunSchema.optional(),
    lastGoodFull: lastRunSchema.optional(),
    lastIncremental: lastRunSchema.optional(),
    nextRunAt: time().optional(),
    schedule: scheduleSchema,
  })
  .meta({ id: 'BackupStatus' });

export const runStartedSchema = z.object({ runId: z.string(), mode: runMode }).meta({ id: 'RunStarted' });

export const cancelRequestedSchema = z
  .object({ runId: z.string(), cancelRequested: z.literal(true) })
  .meta({ id: 'CancelRequested' });

export const runsPageSchema = z
  .object({
    items: z.array(runSchema),
    cursor: z.string().optional().meta({ description: 'Absent on the last page.' }),
  })
  .meta({ id: 'RunsPage' });

export const userRowSchema = z
  .object({
    userId: z.string(),
    displayName: z.string(),
    userPrincipalName: z.string(),
    chats: z.int().meta({ description: 'Backed-up chats the user is or was a member of.' }),
    messages: z.int().meta({ description: 'Messages backed up in those chats.' }),
    lastBackedUpAt: time().nullable(),
    inScope: z
      .boolean()
      .meta({ description: "Whether backup runs read the user's chats under the current scope." }),
    inScopeSince: time().nullable().meta({
      description:
        'When the user last came into the scope. Null when not in scope, or in it since before the scope was first changed (never left it).',
    }),
    problems: z.array(
      z.object({
        code: z
          .string()
          .meta({ description: "The engine's stable code, or the user's state (e.g. `unlicensed`)." }),
        message: z.string(),
        at: time().optional(),
      }),
    ),
    state: z.enum(USER_STATES),
  })
  .meta({ id: 'UserRow' });

export const usersPageSchema = z
  .object({
    items: z.array(userRowSchema),
    total: z.int().meta({ description: 'Rows matching the filter, over all pages.' }),
    cursor: z.string().optional(),
  })
  .meta({ id: 'UsersPage' });

export const directoryPersonSchema = z
  .object({
    id: z.string().meta({ description: "The person's Entra object id." }),
    userPrincipalName: z.string(),
    displayName: z.string(),
    mail: z.string().optional(),
  })
  .meta({ id: 'DirectoryPerson', description: "A person of the caller's tenant, as a picker shows them." });

export const peopleSchema = z
  .object({
    items: z.array(directoryPersonSchema).meta({
      description:
        'People the backup discovered first (by display name), then people of the live directory; at most `limit`.',
    }),
  })
  .meta({ id: 'PeopleList' });

export const adminSchema = z
  .object({
    userId: z.string(),
    displayName: z.string().optional(),
    userPrincipalName: z.string().optional(),
    addedAt: time(),
    addedBy: actorSchema,
    via: z.enum(['first-connect', 'added']),
  })
  .meta({ id: 'Admin' });

export const adminsSchema = z.object({ items: z.array(adminSchema) }).meta({ id: 'AdminList' });

export const targetSchema = z
  .object({
    targetId: z.string(),
    kind: z.enum(['channel', 'personal']),
    label: z.string(),
    addedAt: time(),
    addedBy: actorSchema,
  })
  .meta({ id: 'NotificationTarget' });

export const targetsSchema = z
  .object({ items: z.array(targetSchema) })
  .meta({ id: 'NotificationTargetList' });

export const auditEntrySchema = z
  .object({
    id: z.string(),
    at: time(),
    actor: actorSchema,
    action: z
      .string()
      .meta({ description: 'e.g. connected, retested, backup_started, admin_added, unsubscribed.' }),
    subject: z.string().optional().meta({ description: 'What the action was about (a run id, a user id…).' }),
    appId: z.string().optional(),
    code: z.string().optional(),
    from: z.string().optional(),
    to: z.string().optional(),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .meta({ id: 'AuditEntry' });

export const auditSchema = z.object({ items: z.array(auditEntrySchema) }).meta({ id: 'AuditList' });

export const removedSchema = z.object({ removed: z.literal(true) }).meta({ id: 'Removed' });

export const clientConfigSchema = z
  .object({
    demoSignIn: z
      .object({
        users: z.array(z.object({ upn: z.string(), displayName: z.string(), tenant: z.string().optional() })),
      })
      .optional()
      .meta({ description: 'Only when the server runs on the tenant simulator (local demo).' }),
  })
  .meta({ id: 'ClientConfig' });

export const demoTokenSchema = z
  .object({
    token: z
      .string()
      .meta({ description: 'A simulator-signed SSO token: send it as `Authorization: Bearer`.' }),
  })
  .meta({ id: 'DemoToken' });

export const openApiSchema = z
  .object({ openapi: z.string() })
  .catchall(z.unknown())
  .meta({ id: 'OpenApiDocument' });

const scopeMode = z.enum(['all', 'only', 'allExcept']).meta({
  description:
    '`all`: everyone, new users included. `only`: only the people listed. `allExcept`: everyone but the people listed.',
});

const scopedUserSchema = z
  .object({ id: z.string(), userPrincipalName: z.string(), displayName: z.string() })
  .meta({
    id: 'ScopedUser',
    description: 'A listed person, as the directory named them when the scope was saved.',
  });

export const scopeViewSchema = z
  .object({
    mode: scopeMode,
    users: z.array(scopedUserSchema),
    groups: z
      .array(
        z.object({
          id: z.string(),
          displayName: z.string(),
          members: z.int().meta({ description: 'People in the group (transitively) when it was last read.' }),
        }),
      )
      .meta({
        description:
          'Entra groups the list names (`group:<id>` entries): `only` backs up their members, `allExcept` leaves them out.',
      }),
    version: z.int().meta({
      description: 'Send it back as `expectedVersion` so a change saved meanwhile is not overwritten.',
    }),
    updatedAt: time().optional(),
    summary: z.string().meta({ description: 'How many users that makes: "Backing up 412 of 430 users".' }),
    rule: z
      .string()
      .meta({ description: 'Which chats a scope backs up, in a sentence to show next to the setting.' }),
  })
  .meta({ id: 'BackupScope' });

export const scopeSaveSchema = scopeViewSchema
  .extend({
    changed: z
      .boolean()
      .meta({ description: 'False when the scope already was this (nothing saved or audited).' }),
    message: z.string().meta({ description: 'What the change means, in a sentence.' }),
  })
  .meta({ id: 'BackupScopeSaved' });
