import { Button, TableCell, TableHeaderCell, TableRow } from '@fluentui/react-components';
import { useState } from 'react';
import type { ApiClient } from '../../api/api-client';
import type { NotificationTarget } from '../../api/types';
import { ActionResultRegion, type ActionResult } from '../../common/action-result';
import { useConfirm } from '../../common/confirm-dialog';
import { ActionsHeaderCell, DataTable } from '../../common/data-table';
import { describeActor, useFormat } from '../../common/format';
import { asApiError, useResource } from '../../common/use-resource';

/** Where status cards go: the channels (and personal chats) that subscribed through the bot. */
export function ChannelList(props: { api: ApiClient }) {
  const { api } = props;
  const format = useFormat();
  const targets = useResource(() => api.targets(), [api]);
  const [result, setResult] = useState<ActionResult>();
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

  return (
    <>
      <DataTable
        label="Subscribed channels"
        testId="target-table"
        items={targets.data?.items}
        error={targets.data ? undefined : targets.error}
        onRetry={targets.reload}
        loading={targets.loading && !targets.error}
        loadingLabel="Reading the subscriptions…"
        empty={
          <p>
            No channel gets status cards yet. In the team channel where admins should hear about backups,
            mention ChatVault with “subscribe”.
          </p>
        }
        header={
          <>
            <TableHeaderCell>Where</TableHeaderCell>
            <TableHeaderCell>Kind</TableHeaderCell>
            <TableHeaderCell>Subscribed</TableHeaderCell>
            <ActionsHeaderCell />
          </>
        }
        row={(target) => (
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
        )}
      />
      <ActionResultRegion result={result} />
    </>
  );
}
