import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Spinner,
  Switch,
} from '@fluentui/react-components';
import { useEffect, useState, type FormEvent } from 'react';
import type { ApiClient, ApiError } from '../../api/api-client';
import type { Schedule, ScheduleView } from '../../api/types';
import { ErrorMessage } from '../../common/error-message';
import { useFormat } from '../../common/format';
import { useLayoutStyles } from '../../common/layout';
import { LiveRegion } from '../../common/live-region';
import { asApiError, useResource } from '../../common/use-resource';

type NumberField = 'incrementalEveryMinutes' | 'fullEveryDays';

/** The bounds the API documents for the schedule (PUT /backup/schedule). */
const BOUNDS: Record<NumberField, { min: number; max: number; message: string }> = {
  incrementalEveryMinutes: {
    min: 5,
    max: 10_080,
    message: 'Enter a whole number of minutes from 5 (the shortest interval) to 10080 (a week).',
  },
  fullEveryDays: { min: 1, max: 365, message: 'Enter a whole number of days from 1 to 365.' },
};

export function ScheduleForm(props: { api: ApiClient }) {
  const { api } = props;
  const styles = useLayoutStyles();
  const format = useFormat();
  const loaded = useResource(() => api.schedule(), [api]);
  const [draft, setDraft] = useState<{
    enabled: boolean;
    incrementalEveryMinutes: string;
    fullEveryDays: string;
  }>();
  const [errors, setErrors] = useState<Partial<Record<NumberField, string>>>({});
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<{ saved: ScheduleView } | { error: ApiError }>();

  useEffect(() => {
    if (loaded.data) setDraft(toDraft(loaded.data.schedule));
  }, [loaded.data]);

  if (!draft) {
    return loaded.error ? (
      <ErrorMessage error={loaded.error} onRetry={loaded.reload} />
    ) : (
      <Spinner size="small" label="Reading the schedule…" />
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setResult(undefined);
    const next: Partial<Record<NumberField, string>> = {};
    const values: Partial<Record<NumberField, number>> = {};
    for (const field of ['incrementalEveryMinutes', 'fullEveryDays'] as const) {
      const value = Number(draft[field]);
      if (
        draft[field].trim() === '' ||
        !Number.isInteger(value) ||
        value < BOUNDS[field].min ||
        value > BOUNDS[field].max
      ) {
        next[field] = BOUNDS[field].message;
      } else {
        values[field] = value;
      }
    }
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    setSaving(true);
    try {
      const saved = await api.saveSchedule({ enabled: draft.enabled, ...values });
      loaded.set(saved);
      setResult({ saved });
    } catch (failure) {
      const error = asApiError(failure);
      if (
        error.code === 'invalid_input' &&
        (error.field === 'incrementalEveryMinutes' || error.field === 'fullEveryDays')
      ) {
        setErrors({ [error.field]: error.message });
      } else {
        setResult({ error });
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Backup schedule" className={styles.form}>
      <Switch
        label="Back up on a schedule"
        checked={draft.enabled}
        onChange={(_, d) => setDraft({ ...draft, enabled: d.checked })}
      />
      <Field
        label="Back up the changes every (minutes)"
        validationState={errors.incrementalEveryMinutes ? 'error' : 'none'}
        validationMessage={errors.incrementalEveryMinutes}
      >
        <Input
          type="number"
          inputMode="numeric"
          min={BOUNDS.incrementalEveryMinutes.min}
          max={BOUNDS.incrementalEveryMinutes.max}
          value={draft.incrementalEveryMinutes}
          onChange={(_, d) => setDraft({ ...draft, incrementalEveryMinutes: d.value })}
          disabled={!draft.enabled}
        />
      </Field>
      <Field
        label="Full backup every (days)"
        hint="A full backup reads every chat again and catches anything a backup of the changes missed."
        validationState={errors.fullEveryDays ? 'error' : 'none'}
        validationMessage={errors.fullEveryDays}
      >
        <Input
          type="number"
          inputMode="numeric"
          min={BOUNDS.fullEveryDays.min}
          max={BOUNDS.fullEveryDays.max}
          value={draft.fullEveryDays}
          onChange={(_, d) => setDraft({ ...draft, fullEveryDays: d.value })}
          disabled={!draft.enabled}
        />
      </Field>
      <div className={styles.row}>
        <Button type="submit" appearance="primary" disabled={saving}>
          Save schedule
        </Button>
        {saving ? <Spinner size="tiny" label="Saving…" /> : null}
      </div>
      <LiveRegion>
        {result && 'saved' in result ? (
          <MessageBar intent="success">
            <MessageBarBody>
              Schedule saved.
              {result.saved.schedule.enabled && result.saved.nextRunAt
                ? ` Next scheduled backup: ${format.dateTime(result.saved.nextRunAt)}.`
                : result.saved.schedule.enabled
                  ? ''
                  : ' Backups now run only when started by hand.'}
            </MessageBarBody>
          </MessageBar>
        ) : null}
        {result && 'error' in result ? <ErrorMessage error={result.error} /> : null}
      </LiveRegion>
    </form>
  );
}

function toDraft(schedule: Schedule) {
  return {
    enabled: schedule.enabled,
    incrementalEveryMinutes: String(schedule.incrementalEveryMinutes),
    fullEveryDays: String(schedule.fullEveryDays),
  };
}
