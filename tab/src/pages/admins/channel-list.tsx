import {
  Button,
  MessageBar,
  MessageBarBody,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { ApiClient, ApiError } from '../../api/api-client';
import type { NotificationTarget } from '../../api/types';
import { useConfirm } from '../../common/confirm-dialog';
import { ErrorMessage } from '../../common/error-message';
import { describeActor, useFormat } from '../../common/format';
import { useLayoutStyles } from '../../common/layout';
import { LiveRegion } from '../../common/live-region';
import { asApiError, useResource } from '../../common/use-resource';

/** Where status cards go: the channels (and personal chats) that subscribed through the bot. */
export function ChannelList(props: { api: ApiClient }) {
  const { api } = props;
  const styles = useLayoutStyles();
  const format = useFormat();
  const targets = useResource(() => api.targets(), [api]);
  const [result, setResult] = useState<{ message: string } | { error: ApiError }>();
  const confirm = useConfirm();

  const remove = async (target: NotificationTarget) => {
    const sure = await confirm({
      title: `Stop sending status cards to ${target.label}?`,
      confirmLabel: 'Unsubscribe',
      body: 'Status cards about backups and problems will no longer be posted there.',
    });
    if (!sure) return;
    setResult(undefined);
    try {
      await api.removeTarget(target.targetId);
      await targets.reload();
      setResult({ message: `${target.label} no longer gets status cards.` });
    } catch (failure) {
      setResult({ error: asApiError(failure) });
    }
  };

  const items = targets.data?.items;
  return (
    <>
      {targets.error && !items ? <ErrorMessage error={targets.error} onRetry={targets.reload} /> : null}
      {!items && !targets.error ? <Spinner size="small" label="Reading the subscriptions…" /> : null}
      {items && items.length === 0 ? (
        <p>
          No channel gets status cards yet. In the team channel where admins should hear about backups,
          mention ChatVault with “subscribe”.
        </p>
      ) : null}
      {items && items.length > 0 ? (
        <div className={styles.tableWrap}>
          <Table
            className={styles.table}
            size="small"
            aria-label="Subscribed channels"
            data-testid="target-table"
          >
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Where</TableHeaderCell>
                <TableHeaderCell>Kind</TableHeaderCell>
                <TableHeaderCell>Subscribed</TableHeaderCell>
                <TableHeaderCell>
                  <span className="visually-hidden">Actions</span>
                </TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.map((target) => (
                <TableRow key={target.targetId}>
                  <TableCell>{target.label}</TableCell>
                  <TableCell>{target.kind === 'channel' ? 'Team channel' : 'Personal chat'}</TableCell>
                  <TableCell>
                    {format.dateTime(target.addedAt)} by {describeActor(target.addedBy)}
                  </TableCell>
                  <TableCell>
                    <Button size="small" onClick={() => void remove(target)}>
                      Unsubscribe {target.label}
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      ) : null}
      <LiveRegion>
        {result && 'message' in result ? (
          <MessageBar intent="success">
            <MessageBarBody>{result.message}</MessageBarBody>
          </MessageBar>
        ) : null}
        {result && 'error' in result ? <ErrorMessage error={result.error} /> : null}
      </LiveRegion>
    </>
  );
}
