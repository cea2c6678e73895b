import { Badge, Spinner, TableCell, TableHeaderCell, TableRow } from '@fluentui/react-components';
import type { ApiClient } from '../../api/api-client';
import { DataTable, ListCell } from '../../common/data-table';
import { useFormat } from '../../common/format';
import { Section, useLayoutStyles } from '../../common/layout';
import { ShowMoreButton } from '../../common/show-more-button';
import { usePagedList } from '../../common/use-paged-list';
import { RunsChart } from './runs-chart';
import { describeTrigger, messagesOf, OUTCOME_BADGE, OUTCOME_LABELS } from './run-labels';

const PAGE_SIZE = 20;

/** The chart and the table of past runs; `version` changes when a run finishes, to read them again. */
export function RunHistory(props: { api: ApiClient; version: number }) {
  const { api, version } = props;
  const styles = useLayoutStyles();
  const format = useFormat();
  const runs = usePagedList(
    async (cursor) => {
      const page = await api.runs({ limit: PAGE_SIZE, cursor });
      return { items: page.items, next: page.cursor };
    },
    [api, version],
    { keepWhileReloading: true },
  );

  const finished = (runs.items ?? []).filter((r) => r.status === 'finished');
  return (
    <>
      <Section id="chart" title="Messages backed up per run">
        {runs.items ? <RunsChart runs={finished} /> : <Spinner size="small" label="Reading the runs…" />}
      </Section>
      <Section id="history" title="Run history">
        <DataTable
          label="Run history"
          testId="run-history"
          items={runs.items ? finished : undefined}
          error={runs.error}
          // The chart above says the runs are being read.
          loading={false}
          empty={<p>No backup has finished yet.</p>}
          header={
            <>
              <TableHeaderCell>Started</TableHeaderCell>
              <TableHeaderCell>How</TableHeaderCell>
              <TableHeaderCell>Outcome</TableHeaderCell>
              <TableHeaderCell>Took</TableHeaderCell>
              <TableHeaderCell>People</TableHeaderCell>
              <TableHeaderCell>Chats</TableHeaderCell>
              <TableHeaderCell>Messages</TableHeaderCell>
              <TableHeaderCell>Problems</TableHeaderCell>
            </>
          }
          row={(run) => (
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
              <ListCell
                items={run.errors}
                item={(group) => (
                  <li key={group.kind}>
                    {group.kind} ({format.number(group.count)})
                    {group.examples[0] ? `: ${group.examples[0].message}` : ''}
                  </li>
                )}
              />
            </TableRow>
          )}
        />
        <ShowMoreButton list={runs}>Show older runs</ShowMoreButton>
      </Section>
    </>
  );
}
