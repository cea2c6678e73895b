import { Button, TableCell, TableHeaderCell, TableRow } from '@fluentui/react-components';
import type { ApiClient } from '../../api/api-client';
import type { AuditEntry } from '../../api/types';
import { DataTable } from '../../common/data-table';
import { describeActor, useFormat } from '../../common/format';
import { useLayoutStyles } from '../../common/layout';
import { useResource } from '../../common/use-resource';

const AUDIT_LIMIT = 100;

/** What an audit entry records, in words; an action this tab does not know yet is shown by its code. */
function describeAuditAction(entry: AuditEntry): string {
  // A person is named by what the entry recorded of them (their UPN), before their bare object id.
  const named = entry.details?.upn ?? entry.details?.displayName;
  const subject = typeof named === 'string' ? named : (entry.subject ?? '');
  switch (entry.action) {
    case 'connected':
      return `Connected the tenant app ${entry.appId ?? ''}`.trim();
    case 'replaced':
      return `Replaced the tenant app with ${entry.appId ?? 'another one'}`;
    case 'retested':
      return `Tested the saved connection again${entry.code ? ` (${entry.code})` : ''}`;
    case 'removed':
      return 'Removed the connection';
    case 'attempt_failed':
      return `Test & Save failed${entry.code ? ` (${entry.code})` : ''}`;
    case 'status_changed':
      return `The connection went from ${entry.from ?? '?'} to ${entry.to ?? '?'}`;
    case 'admin_added':
      return `Made ${subject || 'someone'} a ChatVault admin`;
    case 'admin_removed':
      return `Removed ${subject || 'someone'} as a ChatVault admin`;
    case 'backup_started':
      return 'Started a backup';
    case 'backup_cancelled':
      return 'Cancelled a backup';
    case 'schedule_changed':
      return 'Changed the backup schedule';
    case 'subscribed':
      return `Subscribed ${subject || 'a channel'} to status cards`;
    case 'unsubscribed':
      return `Unsubscribed ${subject || 'a channel'} from status cards`;
    default:
      return `${entry.action.replace(/_/g, ' ')}${subject ? `: ${subject}` : ''}`;
  }
}

export function AuditLog(props: { api: ApiClient; version: number }) {
  const { api, version } = props;
  const styles = useLayoutStyles();
  const format = useFormat();
  const audit = useResource(() => api.audit(AUDIT_LIMIT), [api, version]);

  return (
    <>
      <DataTable
        label="Audit log"
        testId="audit-table"
        items={audit.data?.items}
        error={audit.error}
        onRetry={audit.reload}
        loading={audit.loading && !audit.error}
        loadingLabel="Reading the audit log…"
        empty={<p>Nothing has been recorded yet.</p>}
        header={
          <>
            <TableHeaderCell>When</TableHeaderCell>
            <TableHeaderCell>Who</TableHeaderCell>
            <TableHeaderCell>What</TableHeaderCell>
            <TableHeaderCell>Details</TableHeaderCell>
          </>
        }
        row={(entry) => (
          <TableRow key={entry.id}>
            <TableCell className={styles.nowrap}>{format.dateTime(entry.at)}</TableCell>
            <TableCell>{describeActor(entry.actor)}</TableCell>
            <TableCell>{describeAuditAction(entry)}</TableCell>
            <TableCell>
              {entry.details
                ? Object.entries(entry.details)
                    .map(([k, v]) => `${k}: ${String(v)}`)
                    .join(', ')
                : ''}
            </TableCell>
          </TableRow>
        )}
      />
      <div className={styles.row}>
        <Button onClick={() => void audit.reload()}>Refresh</Button>
      </div>
    </>
  );
}
