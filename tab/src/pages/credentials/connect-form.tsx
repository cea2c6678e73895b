import { Button, Field, Input, Link, Spinner } from '@fluentui/react-components';
import { useRef, useState, type FormEvent } from 'react';
import { checkConnectionInput } from '../../../../backend/connection/input-checks';
import { describeOutcome, type InputField } from '../../../../backend/connection/outcomes';
import type { ApiClient, ApiError } from '../../api/api-client';
import type { ConnectField, ConnectionReport, ConnectionView, Me } from '../../api/types';
import { ErrorMessage } from '../../common/error-message';
import { validationProps } from '../../common/field-validation';
import { useLayoutStyles } from '../../common/layout';
import { LiveRegion } from '../../common/live-region';
import { asApiError } from '../../common/use-resource';
import { OutcomeMessage } from './outcome-message';

type FieldErrors = Partial<Record<ConnectField, string>>;

const FORM_FIELD: Record<InputField, ConnectField> = {
  appId: 'appId',
  secret: 'secret',
  expiresAt: 'secretExpiresAt',
};

/**
 * "Connect to Tenant Application", as the setup guide shows it: Step 1 sets the app up in the
 * tenant, Step 2 is this form. The browser runs the server's own input checks first (the same
 * module, bundled), so a secret's ID pasted as its Value is named at the field before anything is
 * sent; everything else is the server's test, answered with the outcome's sentence and guide step.
 */
export function ConnectForm(props: {
  api: ApiClient;
  me: Me;
  view: ConnectionView;
  onSaved(view: ConnectionView): void;
  onBecameAdmin(): void;
}) {
  const { api, me, view } = props;
  const styles = useLayoutStyles();
  const [appId, setAppId] = useState('');
  const [secret, setSecret] = useState('');
  const [expiry, setExpiry] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<
    { kind: 'report'; report: ConnectionReport } | { kind: 'error'; error: ApiError } | undefined
  >();
  const inputs = {
    appId: useRef<HTMLInputElement>(null),
    secret: useRef<HTMLInputElement>(null),
    secretExpiresAt: useRef<HTMLInputElement>(null),
  } satisfies Record<ConnectField, unknown>;

  const showFieldErrors = (next: FieldErrors) => {
    setErrors(next);
    const first = (['appId', 'secret', 'secretExpiresAt'] as const).find((f) => next[f] !== undefined);
    if (first) inputs[first].current?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setOutcome(undefined);
    const input = { appId, secret, ...(expiry !== '' ? { secretExpiresAt: expiry } : {}) };
    const checked = checkConnectionInput(input, me.tenantId, new Date());
    if (!checked.ok) {
      const next: FieldErrors = {};
      for (const problem of checked.problems) {
        next[FORM_FIELD[problem.field]] ??= describeOutcome(problem.code, {
          field: problem.field,
          problem: problem.problem,
          tenantId: me.tenantId,
        }).message;
      }
      showFieldErrors(next);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const report = await api.connect({
        appId: appId.trim(),
        secret: secret.trim(),
        ...(expiry ? { secretExpiresAt: expiry } : {}),
      });
      const next: FieldErrors = {};
      for (const f of report.fields) next[f.field] ??= f.message;
      if (Object.keys(next).length > 0) showFieldErrors(next);
      setOutcome({ kind: 'report', report });
      props.onSaved(report.status);
      if (report.ok) {
        // The secret is kept in the form after a failed test on purpose: Entra shows its Value only
        // once, and the admin usually fixes consent or permissions, not the secret, then tries again.
        setAppId('');
        setSecret('');
        setExpiry('');
      }
      if (report.becameAdmin) props.onBecameAdmin();
    } catch (error) {
      const failure = asApiError(error);
      if (failure.code === 'invalid_input' && failure.field && failure.field in inputs) {
        showFieldErrors({ [failure.field]: failure.message });
      } else {
        setOutcome({ kind: 'error', error: failure });
      }
    } finally {
      setBusy(false);
    }
  };

  const domain = view.tenant.domain ?? 'your tenant';
  const fieldProps = (field: ConnectField) => validationProps(errors[field]);

  return (
    <>
      <p>
        Please follow the steps below to connect your tenant application. The backup process will use this
        application to begin the backup once it has been successfully tested.
        {view.appId ? ' A new app replaces the saved one only once it passes the test.' : ''}
      </p>
      <h3 className={styles.h3}>Step 1: Set up an application in your tenant {domain}.</h3>
      <p>
        Register an application, give it a client secret (24 months), add the Microsoft Graph application
        permissions Chat.Read.All and User.Read.All, and select “Grant admin consent”, as the setup guide
        shows.
      </p>
      <ul>
        <li>
          <Link href={view.portal.appRegistrations} target="_blank" rel="noreferrer">
            App registrations in the Microsoft Entra admin center
          </Link>
        </li>
        <li>
          <Link href={view.portal.newRegistration} target="_blank" rel="noreferrer">
            Register a new application
          </Link>
        </li>
        {view.portal.app ? (
          <>
            <li>
              <Link href={view.portal.app.secrets} target="_blank" rel="noreferrer">
                Certificates &amp; secrets of the app
              </Link>
            </li>
            <li>
              <Link href={view.portal.app.apiPermissions} target="_blank" rel="noreferrer">
                API permissions of the app (Grant admin consent)
              </Link>
            </li>
          </>
        ) : null}
      </ul>
      <h3 className={styles.h3}>Step 2: Enter the following application details in the form below.</h3>
      <form onSubmit={submit} noValidate aria-label="Connect to Tenant Application">
        <div className={styles.form}>
          <Field
            label="Application ID"
            required
            hint="The Application (client) ID on the Overview page of the app you registered."
            {...fieldProps('appId')}
          >
            <Input
              ref={inputs.appId}
              name="appId"
              value={appId}
              onChange={(_, d) => setAppId(d.value)}
              autoComplete="off"
              spellCheck={false}
            />
          </Field>
          <Field
            label="App Secret Code"
            required
            hint="The Value of a client secret of the app (Certificates & secrets), not its Secret ID."
            {...fieldProps('secret')}
          >
            <Input
              ref={inputs.secret}
              name="secret"
              type="password"
              value={secret}
              onChange={(_, d) => setSecret(d.value)}
              autoComplete="new-password"
              spellCheck={false}
            />
          </Field>
          <Field
            label="Secret expires on (optional)"
            hint="The expiry Entra shows for the secret. Leave it empty if you chose 24 months."
            {...fieldProps('secretExpiresAt')}
          >
            <Input
              ref={inputs.secretExpiresAt}
              name="secretExpiresAt"
              type="date"
              value={expiry}
              onChange={(_, d) => setExpiry(d.value)}
            />
          </Field>
          <div className={styles.row}>
            <Button appearance="primary" type="submit" disabled={busy}>
              Test &amp; Save Connection
            </Button>
            {busy ? <Spinner size="tiny" label="Testing the app with Microsoft…" /> : null}
          </div>
        </div>
      </form>
      <LiveRegion>
        {outcome?.kind === 'report' ? (
          <OutcomeMessage report={outcome.report} becameAdmin={outcome.report.becameAdmin} />
        ) : null}
        {outcome?.kind === 'error' ? <ErrorMessage error={outcome.error} /> : null}
      </LiveRegion>
    </>
  );
}
