import type { Logger } from '../observability/logger';
import type { SecretSealer } from '../secrets/secret-sealer';
import type {
  Actor,
  AuditEvent,
  CheckResult,
  ConnectionAttempt,
  ConnectionRecord,
  ConnectionStatusName,
  FailingSince,
} from '../store/connection-records';
import type { ConnectionStore } from '../store/connection-store';
import type { Clock } from './clock';
import type { ConnectionEventSink, ConnectionStatusChanged } from './connection-events';
import { daysUntil, defaultExpiry, deriveStatus, savedStatus } from './connection-status';
import type { ConnectionTester, TestVerdict } from './connection-tester';
import type { GuideStepId } from './guide-steps';
import { checkConnectionInput, secretHint, type ConnectionInput } from './input-checks';
import { describeOutcome, isTransient, type InputField, type OutcomeCode, type TestStage } from './outcomes';
import type { TenantBinding } from './tenant-binding';

/** What Test & Save, a re-test or a re-check answers. Never holds the secret. */
export interface ConnectionReport {
  ok: boolean;
  code: OutcomeCode;
  step: GuideStepId | null;
  stepTitle: string | null;
  message: string;
  stage: TestStage;
  /** Application permissions the token carried (empty when no token was issued). */
  permissions: string[];
  /** One message per form field that was refused before any network call. */
  fields: { field: InputField; code: OutcomeCode; message: string }[];
  /** Whether this call saved (created or replaced) the connection. */
  saved: boolean;
  status: ConnectionStatusView;
}

export interface ConnectionStatusView {
  tenantId: string;
  status: ConnectionStatusName;
  connection?: {
    appId: string;
    /** First three characters of the secret, as Entra shows them. */
    secretHint: string;
    savedAt: string;
    savedBy: Actor;
    expiresAt: string;
    daysUntilExpiry: number;
    permissions: string[];
    lastTest: { at: string; ok: boolean; code: OutcomeCode; message: string };
  };
  failing?: {
    since: string;
    code: OutcomeCode;
    step: GuideStepId | null;
    stepTitle: string | null;
    message: string;
  };
  lastAttempt?: {
    at: string;
    actor: Actor;
    ok: boolean;
    code: OutcomeCode;
    message: string;
    appId?: string;
    secretHint?: string;
  };
}

/** A re-test was asked for a tenant that has no saved connection. */
export class NotConnectedError extends Error {
  readonly reason = 'not_connected';
  constructor(readonly tenantId: string) {
    super('This tenant has no saved app connection yet: use Test & Save Connection first.');
    this.name = 'NotConnectedError';
  }
}

export interface ConnectionServiceDeps {
  store: ConnectionStore;
  sealer: SecretSealer;
  tester: ConnectionTester;
  clock: Clock;
  logger: Logger;
  /** Receives every change of status (the bot pushes them to admins). */
  onStatusChange?: ConnectionEventSink;
}

const RECHECK_ACTOR: Actor = { kind: 'system', name: 'periodic re-check' };

/**
 * The tenant app connection: Test & Save, re-test, periodic re-check, removal and status. The
 * bot, the tab API and the CLI are thin adapters over this one service.
 *
 * Rules kept here: only a passing test saves; a failing one is recorded as the last attempt and
 * leaves a working connection untouched; the secret is sealed before it is stored and never
 * logged, returned or put in an event.
 */
export class ConnectionService {
  private readonly logger: Logger;

  constructor(private readonly deps: ConnectionServiceDeps) {
    this.logger = deps.logger.child({ component: 'connection' });
  }

  async testAndSave(tenant: TenantBinding, input: ConnectionInput, actor: Actor): Promise<ConnectionReport> {
    const { tenantId } = tenant;
    const now = this.deps.clock.now();
    const checked = checkConnectionInput(input, tenantId, now);
    const hint =
      typeof input.secret === 'string' && input.secret.trim() !== '' ? secretHint(input.secret) : undefined;

    if (!checked.ok) {
      const first = checked.problems[0]!;
      const details = { field: first.field, problem: first.problem, tenantId };
      const attempt = withOptional<ConnectionAttempt>(
        { tenantId, at: now.toISOString(), actor, ok: false, code: first.code, stage: 'input', details },
        { appId: checked.appId, secretHint: hint },
      );
      await this.recordFailedAttempt(attempt);
      const fields = checked.problems.map((p) => ({
        field: p.field,
        code: p.code,
        message: describeOutcome(p.code, { field: p.field, problem: p.problem, tenantId }).message,
      }));
      return this.report(tenantId, {
        code: first.code,
        stage: 'input',
        details,
        permissions: [],
        fields,
        saved: false,
      });
    }

    const { appId, secret } = checked.input;
    const verdict = await this.deps.tester.test({ tenantId, appId, secret });
    this.logVerdict(tenantId, appId, verdict, actor, 'test and save');

    if (verdict.code !== 'active') {
      await this.recordFailedAttempt(
        withOptional<ConnectionAttempt>(
          {
            tenantId,
            at: now.toISOString(),
            actor,
            appId,
            ok: false,
            code: verdict.code,
            stage: verdict.stage,
            details: verdict.details,
          },
          { secretHint: hint },
        ),
      );
      return this.report(tenantId, { ...verdict, fields: [], saved: false });
    }

    const previous = await this.deps.store.getConnection(tenantId);
    const expiresAt = checked.input.expiresAt ?? defaultExpiry(now);
    const draft: Omit<ConnectionRecord, 'revision'> = {
      tenantId,
      appId,
      sealedSecret: await this.deps.sealer.seal(secret, { tenantId }),
      secretHint: secretHint(secret),
      savedAt: now.toISOString(),
      savedBy: actor,
      expiresAt: expiresAt.toISOString(),
      permissions: verdict.permissions,
      lastTest: checkResult(now, verdict),
      status: 'active',
    };
    draft.status = savedStatus({ ...draft, revision: 0 }, now);
    const saved = await this.deps.store.putConnection(draft);
    await this.deps.store.putLastAttempt({
      tenantId,
      at: now.toISOString(),
      actor,
      appId,
      secretHint: saved.secretHint,
      ok: true,
      code: 'active',
      stage: verdict.stage,
    });
    await this.deps.store.appendAudit({
      tenantId,
      at: now.toISOString(),
      actor,
      action: previous ? 'replaced' : 'connected',
      appId,
      code: 'active',
    });
    await this.announce(previous?.status ?? 'inactive', saved, now);
    return this.report(tenantId, { ...verdict, fields: [], saved: true });
  }

  /** An admin's "Test again" of the saved credentials. */
  async retest(tenant: TenantBinding, actor: Actor): Promise<ConnectionReport> {
    const record = await this.deps.store.getConnection(tenant.tenantId);
    if (!record) throw new NotConnectedError(tenant.tenantId);
    const verdict = await this.checkSaved(record, actor, 'retested');
    return this.report(tenant.tenantId, { ...verdict, fields: [], saved: false });
  }

  /** The periodic re-check of one tenant's saved credentials; undefined when there is nothing saved. */
  async recheck(tenantId: string): Promise<TestVerdict | undefined> {
    const record = await this.deps.store.getConnection(tenantId);
    if (!record) return undefined;
    return this.checkSaved(record, RECHECK_ACTOR, undefined);
  }

  /**
   * The periodic re-check's step for one tenant: test the saved credentials if the last test is
   * `intervalMs` old, otherwise only re-derive the status (Expiring arrives with time alone).
   */
  async recheckIfDue(
    tenantId: string,
    intervalMs: number,
  ): Promise<'rechecked' | 'not_due' | 'not_connected'> {
    const record = await this.deps.store.getConnection(tenantId);
    if (!record) return 'not_connected';
    if (this.deps.clock.now().getTime() - Date.parse(record.lastTest.at) >= intervalMs) {
      await this.checkSaved(record, RECHECK_ACTOR, undefined);
      return 'rechecked';
    }
    await this.refreshStatus(tenantId);
    return 'not_due';
  }

  /** Re-derives a status that changes with time alone (Active to Expiring) without testing anything. */
  async refreshStatus(tenantId: string): Promise<ConnectionStatusName> {
    const record = await this.deps.store.getConnection(tenantId);
    if (!record) return 'inactive';
    const now = this.deps.clock.now();
    const next = savedStatus(record, now);
    if (next === record.status) return next;
    const updated = { ...record, status: next };
    const changed = await this.deps.store.updateConnectionCheck(tenantId, record.revision, {
      lastTest: record.lastTest,
      status: next,
      failing: record.failing,
    });
    if (changed) await this.announce(record.status, updated, now);
    return next;
  }

  /** Removes the saved connection; backups stop until a new one is saved. */
  async remove(tenant: TenantBinding, actor: Actor): Promise<boolean> {
    const { tenantId } = tenant;
    const record = await this.deps.store.getConnection(tenantId);
    if (!record || !(await this.deps.store.deleteConnection(tenantId))) return false;
    const now = this.deps.clock.now();
    await this.deps.store.appendAudit({
      tenantId,
      at: now.toISOString(),
      actor,
      action: 'removed',
      appId: record.appId,
    });
    this.logger.info({ tenantId, appId: record.appId, actor: actor.kind }, 'connection removed');
    await this.emit({
      type: 'connection.status_changed',
      tenantId,
      from: record.status,
      to: 'inactive',
      at: now.toISOString(),
    });
    return true;
  }

  async status(tenantId: string): Promise<ConnectionStatusView> {
    const now = this.deps.clock.now();
    const [record, attempt] = await Promise.all([
      this.deps.store.getConnection(tenantId),
      this.deps.store.getLastAttempt(tenantId),
    ]);
    const view: ConnectionStatusView = { tenantId, status: deriveStatus(record, now) };
    if (record) {
      view.connection = {
        appId: record.appId,
        secretHint: record.secretHint,
        savedAt: record.savedAt,
        savedBy: record.savedBy,
        expiresAt: record.expiresAt,
        daysUntilExpiry: daysUntil(record.expiresAt, now),
        permissions: record.permissions,
        lastTest: {
          at: record.lastTest.at,
          ok: record.lastTest.ok,
          code: record.lastTest.code,
          message: describeOutcome(record.lastTest.code, record.lastTest.details).message,
        },
      };
      if (record.failing) {
        const described = describeOutcome(record.failing.code, record.failing.details);
        view.failing = {
          since: record.failing.since,
          code: record.failing.code,
          step: described.step,
          stepTitle: described.stepTitle,
          message: described.message,
        };
      }
    }
    if (attempt) {
      view.lastAttempt = withOptional<NonNullable<ConnectionStatusView['lastAttempt']>>(
        {
          at: attempt.at,
          actor: attempt.actor,
          ok: attempt.ok,
          code: attempt.code,
          message: describeOutcome(attempt.code, attempt.details).message,
        },
        { appId: attempt.appId, secretHint: attempt.secretHint },
      );
    }
    return view;
  }

  auditTrail(tenantId: string, limit = 50) {
    return this.deps.store.listAudit(tenantId, { limit });
  }

  /** Tenants with a saved connection: the periodic re-check's work list. */
  connectedTenantIds(): Promise<string[]> {
    return this.deps.store.listConnectedTenantIds();
  }

  /**
   * The saved credentials, unsealed, for the backup engine to build its Graph credential. The
   * secret stays in the caller's memory; it is never to be logged or stored elsewhere.
   */
  async openCredentials(tenantId: string): Promise<{ appId: string; secret: string } | undefined> {
    const record = await this.deps.store.getConnection(tenantId);
    if (!record) return undefined;
    return { appId: record.appId, secret: await this.deps.sealer.unseal(record.sealedSecret, { tenantId }) };
  }

  private async checkSaved(
    record: ConnectionRecord,
    actor: Actor,
    action: 'retested' | undefined,
  ): Promise<TestVerdict> {
    const { tenantId } = record;
    const secret = await this.deps.sealer.unseal(record.sealedSecret, { tenantId });
    const verdict = await this.deps.tester.test({ tenantId, appId: record.appId, secret });
    const now = this.deps.clock.now();
    this.logVerdict(tenantId, record.appId, verdict, actor, action === 'retested' ? 're-test' : 're-check');

    const ok = verdict.code === 'active';
    let failing: FailingSince | undefined;
    if (ok) failing = undefined;
    else if (isTransient(verdict.code)) failing = record.failing;
    else
      failing = {
        since: record.failing?.since ?? now.toISOString(),
        code: verdict.code,
        stage: verdict.stage,
        details: verdict.details,
      };

    const next: ConnectionRecord = {
      ...record,
      lastTest: checkResult(now, verdict),
      failing,
      status: record.status,
    };
    if (ok) next.permissions = verdict.permissions;
    next.status = savedStatus(next, now);
    const applied = await this.deps.store.updateConnectionCheck(tenantId, record.revision, {
      lastTest: next.lastTest,
      status: next.status,
      failing,
      ...(ok ? { permissions: verdict.permissions } : {}),
    });
    // Replaced or removed while the test ran: the newer state wins and this verdict is moot.
    if (!applied) return verdict;
    if (action) {
      await this.deps.store.appendAudit({
        tenantId,
        at: now.toISOString(),
        actor,
        action,
        appId: record.appId,
        code: verdict.code,
      });
    }
    await this.announce(record.status, next, now, actor);
    return verdict;
  }

  /** Emits (and audits) a change of status, if there is one. */
  private async announce(
    from: ConnectionStatusName,
    record: ConnectionRecord,
    now: Date,
    actor?: Actor,
  ): Promise<void> {
    const to = record.status;
    if (from === to) return;
    const event: ConnectionStatusChanged = {
      type: 'connection.status_changed',
      tenantId: record.tenantId,
      from,
      to,
      at: now.toISOString(),
    };
    if (to === 'failing' && record.failing) {
      const described = describeOutcome(record.failing.code, record.failing.details);
      Object.assign(event, {
        code: record.failing.code,
        message: described.message,
        step: described.step,
        failingSince: record.failing.since,
      });
    }
    if (to === 'expiring')
      Object.assign(event, {
        expiresAt: record.expiresAt,
        daysUntilExpiry: daysUntil(record.expiresAt, now),
      });
    if (actor && actor.kind === 'system') {
      await this.deps.store.appendAudit({
        tenantId: record.tenantId,
        at: event.at,
        actor,
        action: 'status_changed',
        from,
        to,
      });
    }
    await this.emit(event);
  }

  private async emit(event: ConnectionStatusChanged): Promise<void> {
    this.logger.info(
      { tenantId: event.tenantId, from: event.from, to: event.to, code: event.code },
      'connection status changed',
    );
    if (!this.deps.onStatusChange) return;
    try {
      await this.deps.onStatusChange(event);
    } catch (error) {
      this.logger.error(
        { tenantId: event.tenantId, err: errorSummary(error) },
        'connection status listener failed',
      );
    }
  }

  private async recordFailedAttempt(attempt: ConnectionAttempt): Promise<void> {
    await this.deps.store.putLastAttempt(attempt);
    await this.deps.store.appendAudit(
      withOptional<Omit<AuditEvent, 'id'>>(
        {
          tenantId: attempt.tenantId,
          at: attempt.at,
          actor: attempt.actor,
          action: 'attempt_failed',
          code: attempt.code,
        },
        { appId: attempt.appId },
      ),
    );
    if (attempt.stage === 'input') {
      this.logger.info(
        {
          tenantId: attempt.tenantId,
          code: attempt.code,
          field: attempt.details?.field,
          actor: attempt.actor.kind,
        },
        'connection input refused',
      );
    }
  }

  private logVerdict(
    tenantId: string,
    appId: string,
    verdict: TestVerdict,
    actor: Actor,
    what: string,
  ): void {
    const d = verdict.details;
    this.logger.info(
      {
        tenantId,
        appId,
        code: verdict.code,
        stage: verdict.stage,
        durationMs: verdict.durationMs,
        proof: verdict.proof,
        entraCode: d.entraCode,
        graphCode: d.graphCode,
        httpStatus: d.httpStatus,
        actor: actor.kind,
      },
      `connection ${what}`,
    );
  }

  private async report(
    tenantId: string,
    r: {
      code: OutcomeCode;
      stage: TestStage;
      details: TestVerdict['details'];
      permissions: string[];
      fields: ConnectionReport['fields'];
      saved: boolean;
    },
  ): Promise<ConnectionReport> {
    const described = describeOutcome(r.code, r.details);
    return {
      ok: described.ok,
      code: r.code,
      step: described.step,
      stepTitle: described.stepTitle,
      message: described.message,
      stage: r.stage,
      permissions: r.permissions,
      fields: r.fields,
      saved: r.saved,
      status: await this.status(tenantId),
    };
  }
}

function checkResult(now: Date, verdict: TestVerdict): CheckResult {
  return {
    at: now.toISOString(),
    ok: verdict.code === 'active',
    code: verdict.code,
    stage: verdict.stage,
    details: verdict.details,
  };
}

/** Adds the optional properties that have a value (the store keeps no `undefined`s). */
function withOptional<T extends object>(base: T, optional: { [K in keyof T]?: T[K] | undefined }): T {
  const out = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) out[k] = v;
  return out as T;
}

/** An error's class and code, without its message (a library's message may quote a request). */
function errorSummary(error: unknown): { name: string; code?: unknown } {
  if (error instanceof Error) return { name: error.name, code: (error as { code?: unknown }).code };
  return { name: typeof error };
}
