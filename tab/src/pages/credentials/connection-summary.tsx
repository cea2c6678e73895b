import {
  Badge,
  Button,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
} from '@fluentui/react-components';
import { useRef, useState } from 'react';
import type { ApiClient, ApiError } from '../../api/api-client';
import type { ConnectionReport, ConnectionView } from '../../api/types';
import { useConfirm } from '../../common/confirm-dialog';
import { ErrorMessage } from '../../common/error-message';
import { describeActor, useFormat } from '../../common/format';
import { useLayoutStyles } from '../../common/layout';
import { LiveRegion } from '../../common/live-region';
import { asApiError } from '../../common/use-resource';
import { OutcomeMessage } from './outcome-message';
import { credentialStatus, STATUS_BADGE, STATUS_LABELS, statusReason } from './status-labels';

type Outcome =
  { kind: 'report'; report: ConnectionReport } | { kind: 'removed' } | { kind: 'error'; error: ApiError };

/** The guide's "Credential Information": the status, why, and what is saved, with Test again and Remove. */
export function ConnectionSummary(props: {
  api: ApiClient;
  view: ConnectionView;
  canManage: boolean;
  onChanged(view: ConnectionView): void;
}) {
  const { api, view, canManage, onChanged } = props;
  const styles = useLayoutStyles();
  const format = useFormat();
  const [busy, setBusy] = useState<'testing' | 'removing' | undefined>();
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const confirm = useConfirm();
  const reason = useRef<HTMLParagraphElement>(null);

  const retest = async () => {
    setBusy('testing');
    setOutcome(undefined);
    try {
      const report = await api.retestConnection();
      setOutcome({ kind: 'report', report });
      onChanged(report.status);
    } catch (error) {
      setOutcome({ kind: 'error', error: asApiError(error) });
    } finally {
      setBusy(undefined);
    }
  };

  const remove = async () => {
    const sure = await confirm({
      title: 'Remove the connection?',
      confirmLabel: 'Remove',
      body:
        'ChatVault forgets the Application ID and the secret, and backups stop until a new app is connected. ' +
        'What was backed up stays. The app itself stays registered in your tenant.',
    });
    if (!sure) return;
    setBusy('removing');
    setOutcome(undefined);
    try {
      const result = await api.removeConnection();
      setOutcome({ kind: 'removed' });
      onChanged(result.status);
      // The Remove button is gone with the connection: the focus goes to the status it changed.
      reason.current?.focus();
    } catch (error) {
      setOutcome({ kind: 'error', error: asApiError(error) });
    } finally {
      setBusy(undefined);
    }
  };

  const domain = view.tenant.domain ?? view.tenant.id;
  return (
    <>
      <p>
        <strong>{domain}</strong>
      </p>
      <dl className={styles.facts}>
        <dt>Credential Status</dt>
        <dd data-testid="credential-status">{credentialStatus(view)}</dd>
        <dt>Customer Tenant App</dt>
        <dd>
          <Badge appearance="filled" color={STATUS_BADGE[view.status]} data-testid="connection-status">
            {STATUS_LABELS[view.status]}
          </Badge>
        </dd>
      </dl>
      <p data-testid="connection-reason" ref={reason} tabIndex={-1}>
        {statusReason(view, format.date)}
      </p>

      {view.appId ? (
        <dl className={styles.facts} aria-label="Saved connection">
          <dt>Application ID</dt>
          <dd>
            <code>{view.appId}</code>
          </dd>
          <dt>App Secret Code</dt>
          <dd>
            <code aria-describedby="secret-hint-note">{view.secretHint}••••••••</code>{' '}
            <span id="secret-hint-note" className={styles.muted}>
              (only its first three characters are shown, as in Entra)
            </span>
          </dd>
          <dt>Saved</dt>
          <dd>
            {format.dateTime(view.savedAt)} by {describeActor(view.savedBy)}
          </dd>
          <dt>Secret expires</dt>
          <dd>
            {format.date(view.expiresAt)}
            {view.daysUntilExpiry !== undefined && view.daysUntilExpiry >= 0
              ? ` (in ${view.daysUntilExpiry} ${view.daysUntilExpiry === 1 ? 'day' : 'days'})`
              : ''}
          </dd>
          <dt>Permissions detected</dt>
          <dd data-testid="permissions">
            {view.permissions.length > 0 ? view.permissions.join(', ') : 'None'}
          </dd>
          <dt>Last test</dt>
          <dd>
            {view.lastTest
              ? `${format.dateTime(view.lastTest.at)}: ${view.lastTest.ok ? 'passed' : 'failed'}. ${view.lastTest.message}`
              : 'Never tested'}
          </dd>
        </dl>
      ) : null}

      {view.lastAttempt && !view.lastAttempt.ok ? (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>
              Last Test &amp; Save, {format.dateTime(view.lastAttempt.at)} by{' '}
              {describeActor(view.lastAttempt.by)}
            </MessageBarTitle>
            {view.lastAttempt.message}
          </MessageBarBody>
        </MessageBar>
      ) : null}

      {view.appId && canManage ? (
        <div className={styles.row}>
          <Button onClick={retest} disabled={busy !== undefined}>
            {busy === 'testing' ? 'Testing…' : 'Test again'}
          </Button>
          <Button onClick={() => void remove()} disabled={busy !== undefined}>
            Remove connection
          </Button>
          {busy ? (
            <Spinner size="tiny" label={busy === 'testing' ? 'Testing the saved app…' : 'Removing…'} />
          ) : null}
        </div>
      ) : null}

      <LiveRegion id="credential-information-outcome">
        {outcome?.kind === 'report' ? <OutcomeMessage report={outcome.report} /> : null}
        {outcome?.kind === 'removed' ? (
          <MessageBar intent="info">
            <MessageBarBody>
              The connection was removed. Backups stop until a new app is connected.
            </MessageBarBody>
          </MessageBar>
        ) : null}
        {outcome?.kind === 'error' ? <ErrorMessage error={outcome.error} /> : null}
      </LiveRegion>
    </>
  );
}
