import {
  Badge,
  Button,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { ApiClient, ApiError } from '../../api/api-client';
import type { Run } from '../../api/types';
import { ErrorMessage } from '../../common/error-message';
import { useFormat } from '../../common/format';
import { Section, useLayoutStyles } from '../../common/layout';
import { asApiError } from '../../common/use-resource';
import { RunsChart } from './runs-chart';
import { describeTrigger, messagesOf, OUTCOME_BADGE, OUTCOME_LABELS } from './run-labels';

const PAGE_SIZE = 20;

/** The chart and the table of past runs; `version` changes when a run finishes, to read them again. */
export function RunHistory(props: { api: ApiClient; version: number }) {
  const { api, version } = props;
  const styles = useLayoutStyles();
  const format = useFormat();
  const [runs, setRuns] = useState<Run[]>();
  const [cursor, setCursor] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const [loadingMore, setLoadingMore] = useState(false);

  useEffect(() => {
    let current = true;
    api.runs({ limit: PAGE_SIZE }).then(
      (page) => {
        if (!current) return;
        setRuns(page.items);
        setCursor(page.cursor);
        setError(undefined);
      },
      (failure: unknown) => current && setError(asApiError(failure)),
    );
    return () => {
      current = false;
    };
  }, [api, version]);

  const more = async () => {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const page = await api.runs({ limit: PAGE_SIZE, cursor });
      setRuns((prev) => [...(prev ?? []), ...page.items]);
      setCursor(page.cursor);
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setLoadingMore(false);
    }
  };

  const finished = (runs ?? []).filter((r) => r.status === 'finished');
  return (
    <>
      <Section id="chart" title="Messages backed up per run">
        {runs ? <RunsChart runs={finished} /> : <Spinner size="small" label="Reading the runs…" />}
      </Section>
      <Section id="history" title="Run history">
        {error ? <ErrorMessage error={error} /> : null}
        {runs && finished.length === 0 ? <p>No backup has finished yet.</p> : null}
        {finished.length > 0 ? (
          <div className={styles.tableWrap}>
            <Table className={styles.table} size="small" aria-label="Run history" data-testid="run-history">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Started</TableHeaderCell>
                  <TableHeaderCell>How</TableHeaderCell>
                  <TableHeaderCell>Outcome</TableHeaderCell>
                  <TableHeaderCell>Took</TableHeaderCell>
                  <TableHeaderCell>People</TableHeaderCell>
                  <TableHeaderCell>Chats</TableHeaderCell>
                  <TableHeaderCell>Messages</TableHeaderCell>
                  <TableHeaderCell>Problems</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {finished.map((run) => (
                  <TableRow key={run.runId}>
                    <TableCell className={styles.nowrap}>{format.dateTime(run.startedAt)}</TableCell>
                    <TableCell>{describeTrigger(run.trigger)}</TableCell>
                    <TableCell>
                      {run.outcome ? (
                        <Badge color={OUTCOME_BADGE[run.outcome]}>{OUTCOME_LABELS[run.outcome]}</Badge>
                      ) : (
                        '—'
                      )}
                    </TableCell>
                    <TableCell>{format.duration(run.startedAt, run.finishedAt ?? run.updatedAt)}</TableCell>
                    <TableCell>{format.number(run.counters.users)}</TableCell>
                    <TableCell>{format.number(run.counters.chats)}</TableCell>
                    <TableCell>{format.number(messagesOf(run))}</TableCell>
                    <TableCell className={run.errors.length > 0 ? styles.wide : undefined}>
                      {run.errors.length === 0 ? (
                        'None'
                      ) : (
                        <ul className={styles.plainList}>
                          {run.errors.map((group) => (
                            <li key={group.kind}>
                              {group.kind} ({format.number(group.count)})
                              {group.examples[0] ? `: ${group.examples[0].message}` : ''}
                            </li>
                          ))}
                        </ul>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        ) : null}
        {cursor ? (
          <div className={styles.row}>
            <Button onClick={() => void more()} disabled={loadingMore}>
              Show older runs
            </Button>
          </div>
        ) : null}
      </Section>
    </>
  );
}
