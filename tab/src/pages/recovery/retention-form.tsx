import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Radio,
  RadioGroup,
  Spinner,
} from '@fluentui/react-components';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ApiClient, ApiError } from '../../api/api-client';
import type { RetentionKeep, RetentionRun } from '../../api/recovery-types';
import { useConfirm } from '../../common/confirm-dialog';
import { ErrorMessage } from '../../common/error-message';
import { describeActor, useFormat } from '../../common/format';
import { useLayoutStyles } from '../../common/layout';
import { LiveRegion } from '../../common/live-region';
import { asApiError, useResource } from '../../common/use-resource';
import { describeKeep, recoveryError } from './recovery-format';

/** The bounds the server accepts (docs/recovery.md, Retention). */
const MIN_YEARS = 1;
const MAX_YEARS = 100;

type Outcome = { saved: RetentionKeep } | { applied: RetentionRun } | { error: ApiError };

/** How long messages are kept, changing it, and removing now what it no longer keeps. */
export function RetentionForm(props: { api: ApiClient }) {
  const { api } = props;
  const styles = useLayoutStyles();
  const format = useFormat();
  const confirm = useConfirm();
  const policy = useResource(() => api.recovery.retention(), [api]);
  const [draft, setDraft] = useState<{ kind: RetentionKeep['kind']; years: string }>({
    kind: 'forever',
    years: '7',
  });
  const [yearsError, setYearsError] = useState<string>();
  const [busy, setBusy] = useState<'saving' | 'applying'>();
  const [outcome, setOutcome] = useState<Outcome>();
  const yearsInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const keep = policy.data?.keep;
    if (keep) setDraft({ kind: keep.kind, years: keep.kind === 'years' ? String(keep.years) : '7' });
  }, [policy.data]);

  if (!policy.data) {
    return policy.error ? (
      <ErrorMessage error={policy.error} onRetry={policy.reload} />
    ) : (
      <Spinner size="small" label="Reading the retention policy…" />
    );
  }
  const current = policy.data;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setOutcome(undefined);
    let keep: RetentionKeep;
    if (draft.kind === 'years') {
      const years = Number(draft.years);
      if (draft.years.trim() === '' || !Number.isInteger(years) || years < MIN_YEARS || years > MAX_YEARS) {
        setYearsError(`Enter a whole number of years from ${MIN_YEARS} to ${MAX_YEARS}.`);
        yearsInput.current?.focus();
        return;
      }
      keep = { kind: 'years', years };
    } else {
      keep = { kind: 'forever' };
    }
    setYearsError(undefined);
    const sure = await confirm({
      title: keep.kind === 'forever' ? 'Keep messages forever?' : `Keep messages for ${keep.years} years?`,
      confirmLabel: 'Change the policy',
      body:
        keep.kind === 'forever'
          ? 'Nothing will be removed for its age any more.'
          : `Once retention is applied (with Apply now, or by the server's daily run), every message sent more than ${keep.years} ${keep.years === 1 ? 'year' : 'years'} ago is removed from the backup with all its versions and images. Removed messages cannot be brought back.`,
    });
    if (!sure) return;
    setBusy('saving');
    try {
      const saved = await api.recovery.saveRetention(keep);
      policy.set(saved);
      setOutcome({ saved: saved.keep });
    } catch (failure) {
      const refused = asApiError(failure);
      if (refused.code === 'invalid_input' && refused.field?.startsWith('keep')) {
        setYearsError(refused.message);
      } else {
        setOutcome({ error: recoveryError(refused) });
      }
    } finally {
      setBusy(undefined);
    }
  };

  const apply = async () => {
    setOutcome(undefined);
    const { keep } = current;
    if (keep.kind === 'years') {
      const sure = await confirm({
        title: 'Remove old messages now?',
        confirmLabel: 'Remove now',
        body: `Every message sent more than ${keep.years} ${keep.years === 1 ? 'year' : 'years'} ago is removed from the backup now, with all its versions and images. This cannot be undone.`,
      });
      if (!sure) return;
    }
    setBusy('applying');
    try {
      setOutcome({ applied: await api.recovery.applyRetention() });
    } catch (failure) {
      setOutcome({ error: recoveryError(asApiError(failure)) });
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <>
      <p data-testid="retention-policy">
        {describeKeep(current.keep)}
        {current.updatedAt
          ? ` Set by ${describeActor(current.updatedBy)} on ${format.dateTime(current.updatedAt)}.`
          : ''}
      </p>
      <form onSubmit={save} noValidate aria-label="Retention policy" className={styles.form}>
        <Field label="Keep backed-up messages">
          <RadioGroup
            value={draft.kind}
            onChange={(_, d) => setDraft({ ...draft, kind: d.value as RetentionKeep['kind'] })}
          >
            <Radio value="forever" label="Forever" />
            <Radio value="years" label="For a number of years after they were sent" />
          </RadioGroup>
        </Field>
        {draft.kind === 'years' ? (
          <Field label="Years" validationState={yearsError ? 'error' : 'none'} validationMessage={yearsError}>
            <Input
              ref={yearsInput}
              type="number"
              inputMode="numeric"
              min={MIN_YEARS}
              max={MAX_YEARS}
              value={draft.years}
              onChange={(_, d) => setDraft({ ...draft, years: d.value })}
            />
          </Field>
        ) : null}
        <div className={styles.row}>
          <Button type="submit" appearance="primary" disabled={busy !== undefined}>
            Save policy
          </Button>
          <Button onClick={() => void apply()} disabled={busy !== undefined}>
            Apply now
          </Button>
          {busy ? (
            <Spinner size="tiny" label={busy === 'saving' ? 'Saving…' : 'Removing old messages…'} />
          ) : null}
        </div>
      </form>
      <LiveRegion>
        {outcome && 'saved' in outcome ? (
          <MessageBar intent="success">
            <MessageBarBody>
              Policy saved. {describeKeep(outcome.saved)}
              {outcome.saved.kind === 'years' ? ' Nothing is removed until retention is applied.' : ''}
            </MessageBarBody>
          </MessageBar>
        ) : null}
        {outcome && 'applied' in outcome ? (
          <MessageBar intent="success" data-testid="retention-applied">
            <MessageBarBody>{describeRun(outcome.applied, format.number, format.dateTime)}</MessageBarBody>
          </MessageBar>
        ) : null}
        {outcome && 'error' in outcome ? <ErrorMessage error={outcome.error} /> : null}
      </LiveRegion>
    </>
  );
}

function describeRun(run: RetentionRun, number: (n: number) => string, dateTime: (iso: string) => string) {
  if (run.keep.kind === 'forever') return 'Messages are kept forever: nothing to remove.';
  const before = run.cutoff ? ` sent before ${dateTime(run.cutoff)}` : '';
  return (
    `Removed ${number(run.messages)} ${run.messages === 1 ? 'message' : 'messages'}${before} ` +
    `(${number(run.versions)} ${run.versions === 1 ? 'version' : 'versions'}) and ` +
    `${number(run.blobsDeleted)} ${run.blobsDeleted === 1 ? 'image or file' : 'images and files'} no other message uses.`
  );
}
