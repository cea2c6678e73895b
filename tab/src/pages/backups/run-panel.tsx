import {
  Badge,
  Button,
  Field,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Select,
  Spinner,
} from '@fluentui/react-components';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient, ApiError } from '../../api/api-client';
import type { BackupStatus, Run } from '../../api/types';
import { ErrorMessage } from '../../common/error-message';
import { useFormat } from '../../common/format';
import { useLayoutStyles } from '../../common/layout';
import { LiveRegion } from '../../common/live-region';
import { asApiError } from '../../common/use-resource';
import { RunProgress } from './run-progress';
import { describeTrigger, OUTCOME_BADGE, OUTCOME_LABELS, runSummary } from './run-labels';

/** The run's record is rewritten every 2 seconds (the engine's progressEveryMs): poll as often. */
const POLL_EVERY_MS = 2_000;

type Mode = 'auto' | 'full';

/**
 * Backup now / Cancel and the run under way, polled while one runs. Screen readers hear when a run
 * starts, each new phase, and how it ended; not every counter change.
 */
export function RunPanel(props: { api: ApiClient; onRunFinished(): void }) {
  const { api, onRunFinished } = props;
  const styles = useLayoutStyles();
  const format = useFormat();
  const [status, setStatus] = useState<BackupStatus>();
  const [error, setError] = useState<ApiError>();
  const [actionError, setActionError] = useState<ApiError>();
  const [pending, setPending] = useState<'starting' | 'cancelling'>();
  const [mode, setMode] = useState<Mode>('auto');
  const [announcement, setAnnouncement] = useState('');
  const [finished, setFinished] = useState<Run>();
  const [tick, setTick] = useState(0);
  const [delayMs, setDelayMs] = useState(POLL_EVERY_MS);
  /** The run being watched: the one under way, or the one just started and not yet seen. */
  const watched = useRef<{ runId: string; phase?: string } | undefined>(undefined);
  const finishedRef = useRef(onRunFinished);
  finishedRef.current = onRunFinished;

  const load = useCallback(async () => {
    try {
      const next = await api.backupStatus();
      setError(undefined);
      setDelayMs(POLL_EVERY_MS);
      const active = next.active?.run;
      const seen = watched.current;
      if (active) {
        if (seen?.runId !== active.runId) setAnnouncement(`A backup is running: ${active.phase}.`);
        else if (seen.phase !== active.phase) setAnnouncement(`Backup: ${active.phase}.`);
        watched.current = { runId: active.runId, phase: active.phase };
      } else if (seen && next.last?.runId === seen.runId) {
        watched.current = undefined;
        setFinished(next.last);
        setAnnouncement('');
        finishedRef.current();
      }
      setStatus(next);
    } catch (failure) {
      const problem = asApiError(failure);
      setError(problem);
      if (problem.retryAfterSeconds) setDelayMs(problem.retryAfterSeconds * 1000);
    } finally {
      setTick((t) => t + 1);
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  const polling = Boolean(status?.active) || watched.current !== undefined;
  useEffect(() => {
    if (!polling) return undefined;
    const timer = setTimeout(() => void load(), delayMs);
    return () => clearTimeout(timer);
  }, [polling, tick, delayMs, load]);

  const start = async () => {
    setPending('starting');
    setActionError(undefined);
    setFinished(undefined);
    try {
      const started = await api.startBackup(mode);
      watched.current = { runId: started.runId };
      setAnnouncement(`Backup started (${started.mode === 'full' ? 'full' : 'changes only'}).`);
    } catch (failure) {
      setActionError(asApiError(failure));
    } finally {
      setPending(undefined);
      void load();
    }
  };

  const cancel = async () => {
    setPending('cancelling');
    setActionError(undefined);
    try {
      await api.cancelBackup();
      setAnnouncement('Cancelling the backup…');
    } catch (failure) {
      setActionError(asApiError(failure));
    } finally {
      setPending(undefined);
      void load();
    }
  };

  if (!status) {
    return error ? (
      <ErrorMessage error={error} onRetry={() => void load()} />
    ) : (
      <Spinner label="Reading the backup status…" />
    );
  }

  const active = status.active;
  const last = status.last;
  return (
    <>
      {active ? (
        <div data-testid="active-run">
          <p>
            <strong>A {active.mode === 'full' ? 'full backup' : 'backup of the changes'} is running</strong>,
            started {format.dateTime(active.run.startedAt)} ({lowerFirst(describeTrigger(active.run.trigger))}
            ).
          </p>
          <RunProgress run={active.run} />
          <div className={styles.row}>
            <Button
              onClick={() => void cancel()}
              disabled={pending !== undefined || active.run.cancelRequestedAt !== undefined}
            >
              {active.run.cancelRequestedAt ? 'Cancelling…' : 'Cancel backup'}
            </Button>
          </div>
        </div>
      ) : (
        <div className={styles.form}>
          <p data-testid="no-active-run">No backup is running.</p>
          {last && !finished ? (
            <p>
              Last backup:{' '}
              <Badge color={OUTCOME_BADGE[last.outcome ?? 'succeeded']}>
                {OUTCOME_LABELS[last.outcome ?? 'succeeded']}
              </Badge>
              , finished {format.dateTime(last.finishedAt)}: {runSummary(last, format.number)}.
            </p>
          ) : null}
          <p>
            {status.schedule.enabled
              ? status.nextRunAt
                ? `Next scheduled backup: ${format.dateTime(status.nextRunAt)}.`
                : 'The next scheduled backup starts soon.'
              : 'Scheduled backups are off: backups run only when started here or from the bot.'}
          </p>
          <Field label="Kind of backup">
            <Select value={mode} onChange={(_, d) => setMode(d.value as Mode)}>
              <option value="auto">Changes since the last backup (a full one the first time)</option>
              <option value="full">Full backup (reads every chat again)</option>
            </Select>
          </Field>
          <div className={styles.row}>
            <Button appearance="primary" onClick={() => void start()} disabled={pending !== undefined}>
              Backup now
            </Button>
            {pending === 'starting' ? <Spinner size="tiny" label="Starting…" /> : null}
          </div>
        </div>
      )}
      {error ? <ErrorMessage error={error} title="The status could not be refreshed" /> : null}
      {actionError ? <ErrorMessage error={actionError} /> : null}
      <LiveRegion>
        {finished ? (
          <MessageBar
            intent={
              finished.outcome === 'succeeded'
                ? 'success'
                : finished.outcome === 'cancelled'
                  ? 'info'
                  : 'warning'
            }
            layout="multiline"
            data-testid="run-finished"
          >
            <MessageBarBody>
              <MessageBarTitle>
                Backup finished: {OUTCOME_LABELS[finished.outcome ?? 'succeeded']}
              </MessageBarTitle>
              {runSummary(finished, format.number)}, in{' '}
              {format.duration(finished.startedAt, finished.finishedAt ?? finished.updatedAt)}.
              {finished.errors.length > 0 ? ` ${problemCount(finished)}: see the run history.` : ''}
            </MessageBarBody>
          </MessageBar>
        ) : (
          <span className="visually-hidden">{announcement}</span>
        )}
      </LiveRegion>
    </>
  );
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function problemCount(run: Run): string {
  const count = run.errors.reduce((n, e) => n + e.count, 0);
  return `${count} ${count === 1 ? 'problem' : 'problems'}`;
}
