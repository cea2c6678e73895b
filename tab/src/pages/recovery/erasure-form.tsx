import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
} from '@fluentui/react-components';
import { useRef, useState, type FormEvent } from 'react';
import type { ApiClient, ApiError } from '../../api/api-client';
import type { ErasureReport } from '../../api/recovery-types';
import { useConfirm } from '../../common/confirm-dialog';
import { ErrorMessage } from '../../common/error-message';
import { validationProps } from '../../common/field-validation';
import { useFormat } from '../../common/format';
import { useLayoutStyles } from '../../common/layout';
import { LiveRegion } from '../../common/live-region';
import { asApiError } from '../../common/use-resource';
import { recoveryError } from './recovery-format';

/** A person's right to erasure (GDPR Art. 17): everything the backup holds of what they sent. */
export function ErasureForm(props: { api: ApiClient }) {
  const { api } = props;
  const styles = useLayoutStyles();
  const format = useFormat();
  const confirm = useConfirm();
  const [user, setUser] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ user: string; report: ErasureReport } | { error: ApiError }>();
  const input = useRef<HTMLInputElement>(null);

  const erase = async (event: FormEvent) => {
    event.preventDefault();
    setOutcome(undefined);
    const named = user.trim();
    if (named === '') {
      setFieldError("Enter the person's user principal name (e.g. ada@contoso.com) or object ID.");
      input.current?.focus();
      return;
    }
    setFieldError(undefined);
    const sure = await confirm({
      title: `Erase ${named} from the backup?`,
      confirmLabel: `Erase ${named}`,
      body: (
        <>
          <p>
            Every message {named} sent is removed from the backup with all its versions, with the images no
            other message uses, their chat memberships and their directory entry.{' '}
            <strong>This cannot be undone.</strong>
          </p>
          <p>
            Other people’s messages stay, with what they say of {named}. If {named} is still in the backup’s
            scope, the next backup takes again what Teams still has: take them out of the scope first.
          </p>
        </>
      ),
    });
    if (!sure) return;
    setBusy(true);
    try {
      const report = await api.recovery.erase(named);
      setOutcome({ user: named, report });
      setUser('');
    } catch (failure) {
      const refused = asApiError(failure);
      if (refused.code === 'not_found' || (refused.code === 'invalid_input' && refused.field === 'user')) {
        setFieldError(refused.message);
        input.current?.focus();
      } else {
        setOutcome({ error: recoveryError(refused) });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <form onSubmit={erase} noValidate aria-label="Erase a person" className={styles.form}>
        <Field
          label="Person to erase"
          hint="Their user principal name or object ID (an ID works after they left the organization)."
          {...validationProps(fieldError)}
        >
          <Input ref={input} value={user} onChange={(_, d) => setUser(d.value)} autoComplete="off" />
        </Field>
        <div className={styles.row}>
          <Button type="submit" disabled={busy}>
            Erase…
          </Button>
          {busy ? <Spinner size="tiny" label="Erasing…" /> : null}
        </div>
      </form>
      <LiveRegion>
        {outcome && 'report' in outcome ? (
          <MessageBar intent="success" layout="multiline" data-testid="erasure-report">
            <MessageBarBody>
              <MessageBarTitle>{outcome.user} was erased from the backup.</MessageBarTitle>
              <dl className={styles.facts}>
                <dt>Messages</dt>
                <dd>
                  {format.number(outcome.report.messages)} ({format.number(outcome.report.versions)} versions)
                </dd>
                <dt>Images and files</dt>
                <dd>{format.number(outcome.report.blobsDeleted)}</dd>
                <dt>Chat memberships</dt>
                <dd>{format.number(outcome.report.memberships)}</dd>
                <dt>Pinned messages</dt>
                <dd>{format.number(outcome.report.pinned)}</dd>
                <dt>Directory entry</dt>
                <dd>{outcome.report.directory ? 'Removed' : 'There was none'}</dd>
                <dt>Object ID</dt>
                <dd>
                  <code>{outcome.report.userId}</code>
                </dd>
              </dl>
            </MessageBarBody>
          </MessageBar>
        ) : null}
        {outcome && 'error' in outcome ? <ErrorMessage error={outcome.error} /> : null}
      </LiveRegion>
    </>
  );
}
