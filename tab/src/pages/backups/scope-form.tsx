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
import type { BackupScope, BackupScopeSaved, DirectoryPerson, ScopeMode } from '../../api/types';
import { ErrorMessage } from '../../common/error-message';
import { useLayoutStyles } from '../../common/layout';
import { LiveRegion } from '../../common/live-region';
import { asApiError, useResource } from '../../common/use-resource';
import { PeoplePicker, type PickOutcome } from './people-picker';

/**
 * A pasted list, one per line or separated by commas, semicolons or spaces, a group's display name
 * with spaces quoted (`group:"Sales Team"`): the rule the server's `splitUserList` applies (kept
 * here so no server code lands in the tab's bundle).
 */
function splitPastedUsers(text: string): string[] {
  return text.match(/group:"[^"]*"|[^\s,;]+/gi) ?? [];
}

/**
 * The list with the person's UPN added at its end, or undefined when it names them already (by UPN
 * in any case, or by object id).
 */
function withPerson(list: string, person: Pick<DirectoryPerson, 'id' | 'userPrincipalName'>) {
  const listed = new Set(splitPastedUsers(list).map((entry) => entry.toLowerCase()));
  if (listed.has(person.userPrincipalName.toLowerCase()) || listed.has(person.id.toLowerCase()))
    return undefined;
  const kept = list.trimEnd();
  return kept === '' ? person.userPrincipalName : `${kept}\n${person.userPrincipalName}`;
}

const MODES: { value: ScopeMode; label: string }[] = [
  { value: 'all', label: 'Everyone, new users included' },
  { value: 'only', label: 'Only the people listed' },
  { value: 'allExcept', label: 'Everyone except the people listed' },
];

type ScopeField = 'mode' | 'users';

export function ScopeForm(props: { api: ApiClient; onSaved?: () => void }) {
  const { api, onSaved } = props;
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
      setErrors({ users: 'List at least one person (UPN or object id) or group, or choose everyone.' });
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      const saved = await api.saveScope({ mode: draft.mode, users, expectedVersion: draft.version });
      loaded.set(saved);
      setResult({ saved });
      if (saved.changed) onSaved?.();
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
      <PeoplePicker
        api={api}
        disabled={draft.mode === 'all'}
        onPick={(person): PickOutcome => {
          const users = withPerson(draft.users, person);
          if (users === undefined) return 'already-listed';
          setDraft({ ...draft, users });
          return 'added';
        }}
      />
      {draft.mode !== 'all' ? (
        <Field
          label={draft.mode === 'only' ? 'People to back up' : 'People to leave out'}
          hint={
            'Paste UPNs or object ids (or add people with the search above): one per line, or ' +
            'separated by commas, semicolons or spaces. ' +
            'Name an Entra group as group:<name or object id> (quote a name with spaces: ' +
            'group:"Sales Team"); its members, nested groups included, are read at every backup. ' +
            'Groups need the app permission GroupMember.Read.All, with admin consent.'
          }
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
      {draft.mode !== 'all' && current.groups.length > 0 ? (
        <p>
          Groups saved in this scope:{' '}
          {current.groups
            .map(
              (g) =>
                `${g.displayName} (group:${g.id}, ${g.members} ${g.members === 1 ? 'person' : 'people'})`,
            )
            .join('; ')}
          .
        </p>
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
    // Groups go back by object id: their names may change or be shared.
    users: [...scope.users.map((u) => u.userPrincipalName), ...scope.groups.map((g) => `group:${g.id}`)].join(
      '\n',
    ),
    version: scope.version,
  };
}
