import type { ConnectionReport } from '../../backend/connection/connection-service';
import type { InputField } from '../../backend/connection/outcomes';
import { renderCard, type AdaptiveCardJson } from '../cards/card-templates';
import { factTime, type Fact } from './card-format';
import { entraLinks } from './entra-links';
import type { SignButton } from './sign-button';

export interface ConnectCardState {
  tenantId: string;
  /** The Application ID to show in the form again (what was typed, or the saved one). */
  appId?: string;
  expiresAt?: string;
  /** The outcome of Test & Save, when the card answers a press of it. */
  report?: ConnectionReport;
  /** Whoever pressed it just became the tenant's first ChatVault admin. */
  becameFirstAdmin?: boolean;
  /** A line under the outcome (e.g. why the person who connected is not an admin). */
  note?: string;
  /** Whether the Active card offers Status and Backup now (only to an admin). */
  adminActions?: boolean;
  /** A problem the bot found in what the card sent, before any test. */
  problem?: string;
}

/**
 * The Connect card: the form (Application ID, App Secret Code as a password field, optional
 * expiry), and after Test & Save the outcome in place of the old card. The secret is never put
 * back into the card: its field is always empty.
 */
export async function connectCard(state: ConnectCardState, sign: SignButton): Promise<AdaptiveCardJson> {
  const report = state.report;
  const connected = report?.ok === true;
  const fieldErrors: Record<InputField, string> = { appId: '', secret: '', expiresAt: '' };
  for (const f of report?.fields ?? []) if (fieldErrors[f.field] === '') fieldErrors[f.field] = f.message;

  let result = { shown: false, ok: false, title: '', message: '', step: '', facts: [] as Fact[], note: '' };
  if (report) {
    const step = report.stepTitle ?? '';
    result = {
      shown: true,
      ok: report.ok,
      title: connected ? 'Active' : notSavedTitle(report),
      message: withoutGuideSuffix(report.message, step),
      step,
      facts: connected ? connectedFacts(report) : [],
      note: state.becameFirstAdmin
        ? "You are now this tenant's first ChatVault admin. To add other admins, type admins add and their user principal name (UPN)."
        : (state.note ?? ''),
    };
  } else if (state.problem) {
    result = { ...result, shown: true, title: 'Not saved', message: state.problem };
  }

  const appId = state.appId ?? report?.status.connection?.appId ?? '';
  return renderCard('connect', {
    tenantId: state.tenantId,
    links: entraLinks(state.tenantId, /^[0-9a-f-]{36}$/i.test(appId) ? appId : undefined),
    showForm: !connected,
    appId,
    expiresAt: state.expiresAt ?? '',
    fieldErrors,
    result,
    tokens:
      connected && state.adminActions
        ? { save: '', status: await sign('status'), backup: await sign('backup.start') }
        : { save: connected ? '' : await sign('connect.save'), status: '', backup: '' },
  });
}

function notSavedTitle(report: ConnectionReport): string {
  const kept = report.status.status !== 'inactive';
  return kept ? 'Not saved: the working connection is unchanged' : 'Not connected';
}

function connectedFacts(report: ConnectionReport): Fact[] {
  const facts: Fact[] = [];
  const connection = report.status.connection;
  if (connection) facts.push({ title: 'Application ID', value: connection.appId });
  facts.push({ title: 'Permissions found', value: report.permissions.join(', ') || 'none' });
  if (connection) {
    facts.push({
      title: 'Secret expires',
      value: `${factTime(connection.expiresAt)} (in ${connection.daysUntilExpiry} days)`,
    });
  }
  return facts;
}

/** The outcome's sentence ends with "(Guide: …)"; the card shows the step on its own line. */
function withoutGuideSuffix(message: string, stepTitle: string): string {
  const suffix = ` (Guide: ${stepTitle}.)`;
  return stepTitle !== '' && message.endsWith(suffix) ? message.slice(0, -suffix.length) : message;
}
