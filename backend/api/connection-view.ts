import type { z } from 'zod';
import type { ConnectionReport, ConnectionStatusView } from '../connection/connection-service';
import type { InputField } from '../connection/outcomes';
import { portalLinks } from './portal-links';
import type { connectionReportSchema, connectionViewSchema } from './response-schemas';
import { tenantDomainOf, type TabPrincipal } from './tab-principal';

export type ConnectionViewBody = z.input<typeof connectionViewSchema>;
export type ConnectionReportBody = z.input<typeof connectionReportSchema>;

/** The service's field names, as the tab's form (and the request body) names them. */
const BODY_FIELD: Record<InputField, 'appId' | 'secret' | 'secretExpiresAt'> = {
  appId: 'appId',
  secret: 'secret',
  expiresAt: 'secretExpiresAt',
};

/** The connection status, flattened for the tab, with the tenant and the portal pages of step 1. */
export function connectionViewBody(
  view: ConnectionStatusView,
  principal: TabPrincipal,
  authorityHost: string,
): ConnectionViewBody {
  const saved = view.connection;
  const body: ConnectionViewBody = {
    tenantId: view.tenantId,
    status: view.status,
    permissions: saved?.permissions ?? [],
    tenant: { id: view.tenantId, ...optional('domain', tenantDomainOf(principal)) },
    portal: portalLinks(authorityHost, saved?.appId ?? view.lastAttempt?.appId),
  };
  if (view.failing) {
    body.reason = {
      code: view.failing.code,
      message: view.failing.message,
      step: view.failing.step,
      stepTitle: view.failing.stepTitle,
      since: view.failing.since,
    };
  }
  if (saved) {
    Object.assign(body, {
      appId: saved.appId,
      secretHint: saved.secretHint,
      savedAt: saved.savedAt,
      savedBy: saved.savedBy,
      expiresAt: saved.expiresAt,
      daysUntilExpiry: saved.daysUntilExpiry,
      lastTest: saved.lastTest,
    });
  }
  const attempt = view.lastAttempt;
  if (attempt) {
    body.lastAttempt = {
      at: attempt.at,
      by: attempt.actor,
      ok: attempt.ok,
      code: attempt.code,
      message: attempt.message,
      ...optional('appId', attempt.appId),
      ...optional('secretHint', attempt.secretHint),
    };
  }
  return body;
}

export function connectionReportBody(
  report: ConnectionReport,
  becameAdmin: boolean,
  principal: TabPrincipal,
  authorityHost: string,
): ConnectionReportBody {
  return {
    ok: report.ok,
    code: report.code,
    message: report.message,
    step: report.step,
    stepTitle: report.stepTitle,
    stage: report.stage,
    permissions: report.permissions,
    fields: report.fields.map((f) => ({ field: BODY_FIELD[f.field], code: f.code, message: f.message })),
    saved: report.saved,
    becameAdmin,
    status: connectionViewBody(report.status, principal, authorityHost),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
