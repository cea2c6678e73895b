import { Field, ProgressBar } from '@fluentui/react-components';
import type { Run } from '../../api/types';
import { useFormat } from '../../common/format';
import { useLayoutStyles } from '../../common/layout';

/** The counters of the run under way, as its last progress report gave them. */
export function RunProgress(props: { run: Run }) {
  const { run } = props;
  const styles = useLayoutStyles();
  const format = useFormat();
  const c = run.counters;
  const percent = Math.max(0, Math.min(100, Math.round(run.percent)));
  return (
    <>
      <Field label={`Progress: ${percent}%`} hint={`Now: ${run.phase}`}>
        <ProgressBar value={percent / 100} thickness="large" aria-valuetext={`${percent}%, ${run.phase}`} />
      </Field>
      <dl className={styles.facts} aria-label="Counts so far" data-testid="run-counters">
        <dt>People</dt>
        <dd>{format.number(c.users)}</dd>
        <dt>Chats</dt>
        <dd>{format.number(c.chats)}</dd>
        <dt>New messages</dt>
        <dd data-testid="messages-new">{format.number(c.messagesNew)}</dd>
        <dt>Changed messages</dt>
        <dd>{format.number(c.messagesChanged)}</dd>
        <dt>Deleted messages</dt>
        <dd>{format.number(c.messagesDeleted)}</dd>
        <dt>Images and files</dt>
        <dd>
          {format.number(c.blobs)} ({format.bytes(c.bytes)})
        </dd>
        <dt>Requests slowed down by Microsoft</dt>
        <dd>{format.number(c.throttled)}</dd>
      </dl>
    </>
  );
}
