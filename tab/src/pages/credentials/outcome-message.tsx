import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { isTransient } from '../../../../backend/connection/outcomes';
import type { ConnectionReport } from '../../api/types';

/**
 * The result of Test & Save or Test again: the server's sentence for the outcome, which names the
 * step of the setup guide to redo.
 */
export function OutcomeMessage(props: { report: ConnectionReport; becameAdmin?: boolean }) {
  const { report } = props;
  const transient = isTransient(report.code);
  const intent = report.ok ? 'success' : transient ? 'warning' : 'error';
  const title = report.ok
    ? report.saved
      ? 'Connection saved'
      : 'Connection works'
    : transient
      ? 'Microsoft could not be asked'
      : report.saved
        ? 'Saved, with a problem'
        : 'Not saved: the test failed';
  return (
    <MessageBar intent={intent} layout="multiline" data-testid="connect-outcome" data-code={report.code}>
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        {report.message}
        {props.becameAdmin ? ' You are now the first ChatVault admin of your organization.' : ''}
      </MessageBarBody>
    </MessageBar>
  );
}
