import { isTransient } from '../../../../backend/connection/outcomes';
import type { BadgeProps } from '@fluentui/react-components';
import type { ConnectionStatusName, ConnectionView } from '../../api/types';

export const STATUS_LABELS: Record<ConnectionStatusName, string> = {
  active: 'Active',
  inactive: 'Inactive',
  failing: 'Failing',
  expiring: 'Expiring',
};

export const STATUS_BADGE: Record<ConnectionStatusName, BadgeProps['color']> = {
  active: 'success',
  inactive: 'informative',
  failing: 'danger',
  expiring: 'warning',
};

/** "Credential Status" of the guide's Credential Settings page: how the last test of the saved app went. */
export function credentialStatus(view: ConnectionView): string {
  if (!view.lastTest) return 'Not connected';
  if (view.lastTest.ok) return 'Authentication Success';
  // Microsoft busy or out of reach says nothing about the credentials.
  return isTransient(view.lastTest.code)
    ? 'Not checked: Microsoft could not be asked'
    : 'Authentication Failed';
}

/** Why the tenant app has its status, in a sentence. */
export function statusReason(view: ConnectionView, formatDate: (iso: string) => string): string {
  switch (view.status) {
    case 'inactive':
      return 'Tenant application needs to be connected in order to enable private chat backup.';
    case 'active':
      return view.lastTest?.message ?? 'Connected: backups can run.';
    case 'failing':
      return view.reason
        ? `${view.reason.message} Failing since ${formatDate(view.reason.since)}.`
        : 'The saved app fails its test. Test it again, or connect a working one below.';
    case 'expiring': {
      const days = view.daysUntilExpiry ?? 0;
      const when = view.expiresAt ? ` (${formatDate(view.expiresAt)})` : '';
      const lead =
        days < 0
          ? `The app secret has passed its expiry date${when}.`
          : days === 0
            ? `The app secret expires today${when}.`
            : `The app secret expires in ${days} ${days === 1 ? 'day' : 'days'}${when}.`;
      return `${lead} Create a new client secret for the app (guide: Setup The Registered Application, steps 5-7) and save it below: backups stop when the secret expires.`;
    }
  }
}
