import { useCallback, useState } from 'react';
import type { PageProps } from '../../app/page-props';
import { PageHeading, Section, useLayoutStyles } from '../../common/layout';
import { RunHistory } from './run-history';
import { RunPanel } from './run-panel';
import { ScheduleForm } from './schedule-form';
import { ScopeForm } from './scope-form';
import { UserTable } from './user-table';

export function BackupsPage(props: PageProps) {
  const { api } = props;
  const styles = useLayoutStyles();
  // Bumped when a run finishes: the history, the chart and the people table read again.
  const [version, setVersion] = useState(0);
  const onRunFinished = useCallback(() => setVersion((v) => v + 1), []);
  // Bumped when a saved scope changed something: the people table shows who is in it now.
  const [scopeSaves, setScopeSaves] = useState(0);
  const onScopeSaved = useCallback(() => setScopeSaves((v) => v + 1), []);

  return (
    <div className={styles.page}>
      <PageHeading focusOnMount={props.focusHeading}>Backups</PageHeading>
      <Section id="run" title="Backup now">
        <RunPanel api={api} onRunFinished={onRunFinished} />
      </Section>
      <RunHistory api={api} version={version} />
      <Section id="schedule" title="Schedule">
        <ScheduleForm api={api} />
      </Section>
      <Section id="scope" title="Whose chats are backed up">
        <ScopeForm api={api} onSaved={onScopeSaved} />
      </Section>
      <Section id="people" title="People">
        <UserTable api={api} version={version + scopeSaves} />
      </Section>
    </div>
  );
}
