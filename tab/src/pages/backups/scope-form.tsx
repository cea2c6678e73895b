import {
  Button,
  Field,
  MessageBar,
  MessageBarBody,
  Radio,
  RadioGroup,
  Spinner,
  Textarea,
} from '@fluentui/react-components';
import { useEffect, useState, type FormEvent } from 'react';
import type { ApiClient, ApiError } from '../../api/api-client';
import type { BackupScope, BackupScopeSaved, ScopeMode } from '../../api/types';
import { ErrorMessage } from '../../common/error-message';
import { useLayoutStyles } from '../../common/layout';
import { LiveRegion } from '../../common/live-region';
import { asApiError, useResource } from '../../common/use-resource';

/**
 * A pasted list, one per line or separated by commas, semicolons or spaces: the rule the server's
 * `splitUserList` applies (kept here so no server code lands in the tab's bundle).
 */
export function splitPastedUsers(text: string): string[] {
  return text.split(/[\s,;]+/).filter((entry) => entry !== '');
}

const MODES: { value: ScopeMode; label: string }[] = [
  { value: 'all', label: 'Everyone, new users included' },
  { value: 'only', label: 'Only the people listed' },
  { value: 'allExcept', label: 'Everyone except the people listed' },
];

type ScopeField = 'mode' | 'users';

export function ScopeForm(props: { api: ApiClient }) {
  const { api } = props;
  const styles = useLayoutStyles();
  const loaded = useResource(() => api.scope(), [api]);
  const [draft, setDraft] = useState<{ mode: ScopeMode; users: string; version: number }>();
  const [errors, setErrors] = useState<Partial<Record<ScopeField, string>>>({});
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<{ saved: BackupScopeSaved } | { error: ApiError }>();

  useEffect(() => {
    if (loaded.data) setDraft(toDraft(loaded.data));
  }, [loaded.data]);

  if (!draft || !loaded.data) {
    return loaded.error ? (
      <ErrorMessage error={loaded.error} onRetry={loaded.reload} />
    ) : (
      <Spinner size="small" label="Reading the backup scope…" />
    );
  }
  const current = loaded.data;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setResult(undefined);
    const users = draft.mode === 'all' ? [] : splitPastedUsers(draft.users);
    if (draft.mode !== 'all' && users.length === 0) {
      setErrors({ users: 'List at least one person (UPN or object id), or choose everyone.' });
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      const saved = await api.saveScope({ mode: draft.mode, users, expectedVersion: draft.version });
      loaded.set(saved);
      setResult({ saved });
    } catch (failure) {
      const error = asApiError(failure);
      if (error.code === 'invalid_input' && (error.field === 'mode' || error.field === 'users')) {
        setErrors({ [error.field]: error.message });
      } else {
        setResult({ error });
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Backup scope" className={styles.form}>
      <p>{current.summary}</p>
      <Field
        label="Back up the chats of"
        validationState={errors.mode ? 'error' : 'none'}
        validationMessage={errors.mode}
      >
        <RadioGroup
          value={draft.mode}
          onChange={(_, d) => setDraft({ ...draft, mode: d.value as ScopeMode })}
        >
          {MODES.map((m) => (
            <Radio key={m.value} value={m.value} label={m.label} />
          ))}
        </RadioGroup>
      </Field>
      {draft.mode !== 'all' ? (
        <Field
          label={draft.mode === 'only' ? 'People to back up' : 'People to leave out'}
          hint="Paste UPNs or object ids: one per line, or separated by commas, semicolons or spaces."
          validationState={errors.users ? 'error' : 'none'}
          validationMessage={errors.users}
        >
          <Textarea
            resize="vertical"
            rows={6}
            value={draft.users}
            onChange={(_, d) => setDraft({ ...draft, users: d.value })}
          />
        </Field>
      ) : null}
      <p>{current.rule}</p>
      <div className={styles.row}>
        <Button type="submit" appearance="primary" disabled={saving}>
          Save scope
        </Button>
        {saving ? <Spinner size="tiny" label="Saving…" /> : null}
      </div>
      <LiveRegion>
        {result && 'saved' in result ? (
          <MessageBar intent="success">
            <MessageBarBody>{result.saved.message}</MessageBarBody>
          </MessageBar>
        ) : null}
        {result && 'error' in result ? (
          <ErrorMessage
            error={result.error}
            {...(result.error.reason === 'scope_changed' ? { onRetry: loaded.reload } : {})}
          />
        ) : null}
      </LiveRegion>
    </form>
  );
}

function toDraft(scope: BackupScope) {
  return {
    mode: scope.mode,
    users: scope.users.map((u) => u.userPrincipalName).join('\n'),
    version: scope.version,
  };
}
