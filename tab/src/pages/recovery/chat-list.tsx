import { Button, TableCell, TableHeaderCell, TableRow } from '@fluentui/react-components';
import type { ApiClient } from '../../api/api-client';
import type { ChatSummary, RecoveryUser } from '../../api/recovery-types';
import { ActionsHeaderCell, DataTable } from '../../common/data-table';
import { useFormat } from '../../common/format';
import { useLayoutStyles } from '../../common/layout';
import { LiveRegion } from '../../common/live-region';
import { ShowMoreButton } from '../../common/show-more-button';
import { usePagedList } from '../../common/use-paged-list';
import { CHAT_TYPE_LABELS } from './recovery-format';

const PAGE_SIZE = 50;
/** Members named in a row before "and N more". */
const MEMBERS_SHOWN = 4;

/** A person's chats (those they are or were in), or every chat of the tenant. */
export function ChatList(props: {
  api: ApiClient;
  user: RecoveryUser | undefined;
  onOpen(chat: ChatSummary): void;
}) {
  const { api, user } = props;
  const styles = useLayoutStyles();
  const format = useFormat();
  const chats = usePagedList(
    (cursor) => api.recovery.chats({ limit: PAGE_SIZE, cursor, ...(user ? { user: user.userId } : {}) }),
    [api, user?.userId],
  );
  const whose = user ? `${user.displayName}’s chats` : 'All chats';

  return (
    <>
      <LiveRegion>
        <p data-testid="chat-count">
          {chats.items
            ? `${whose}: ${format.number(chats.items.length)}${chats.hasMore ? ' shown, more on request' : ''}.`
            : ''}
        </p>
      </LiveRegion>
      <DataTable
        label={whose}
        testId="recovery-chats"
        items={chats.items}
        error={chats.error}
        loading={chats.loading}
        loadingLabel="Reading the chats…"
        empty={
          <p>{user ? `The backup holds no chat of ${user.displayName}.` : 'The backup holds no chat yet.'}</p>
        }
        header={
          <>
            <TableHeaderCell>Chat</TableHeaderCell>
            <TableHeaderCell>Kind</TableHeaderCell>
            <TableHeaderCell>Members</TableHeaderCell>
            <TableHeaderCell>Created</TableHeaderCell>
            <TableHeaderCell>Last backed up</TableHeaderCell>
            <ActionsHeaderCell />
          </>
        }
        row={(chat) => (
          <TableRow key={chat.chatId}>
            <TableCell className={styles.breakAnywhere}>{chat.title}</TableCell>
            <TableCell className={styles.nowrap}>{CHAT_TYPE_LABELS[chat.chatType]}</TableCell>
            <TableCell className={styles.breakAnywhere}>{memberNames(chat)}</TableCell>
            <TableCell className={styles.nowrap}>{format.date(chat.createdDateTime)}</TableCell>
            <TableCell className={styles.nowrap}>{format.dateTime(chat.lastSeenAt)}</TableCell>
            <TableCell>
              <Button size="small" onClick={() => props.onOpen(chat)}>
                Open <span className="visually-hidden">{chat.title}</span>
              </Button>
            </TableCell>
          </TableRow>
        )}
      />
      <ShowMoreButton list={chats}>Show more chats</ShowMoreButton>
    </>
  );
}

function memberNames(chat: ChatSummary): string {
  const present = chat.members.filter((m) => m.present).map((m) => m.name);
  if (present.length === 0) return '—';
  if (present.length <= MEMBERS_SHOWN) return present.join(', ');
  return `${present.slice(0, MEMBERS_SHOWN - 1).join(', ')} and ${present.length - MEMBERS_SHOWN + 1} more`;
}
