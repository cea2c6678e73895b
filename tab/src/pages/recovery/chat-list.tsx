import {
  Button,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import type { ApiClient } from '../../api/api-client';
import type { ChatSummary, RecoveryUser } from '../../api/recovery-types';
import { ErrorMessage } from '../../common/error-message';
import { useFormat } from '../../common/format';
import { useLayoutStyles } from '../../common/layout';
import { LiveRegion } from '../../common/live-region';
import { CHAT_TYPE_LABELS } from './recovery-format';
import { usePagedList } from './use-paged-list';

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
      {chats.error ? <ErrorMessage error={chats.error} /> : null}
      {chats.items === undefined && chats.loading ? (
        <Spinner size="small" label="Reading the chats…" />
      ) : null}
      {chats.items && chats.items.length > 0 ? (
        <div className={styles.tableWrap}>
          <Table className={styles.table} size="small" aria-label={whose} data-testid="recovery-chats">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Chat</TableHeaderCell>
                <TableHeaderCell>Kind</TableHeaderCell>
                <TableHeaderCell>Members</TableHeaderCell>
                <TableHeaderCell>Created</TableHeaderCell>
                <TableHeaderCell>Last backed up</TableHeaderCell>
                <TableHeaderCell>
                  <span className="visually-hidden">Actions</span>
                </TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {chats.items.map((chat) => (
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
              ))}
            </TableBody>
          </Table>
        </div>
      ) : null}
      {chats.items && chats.items.length === 0 ? (
        <p>{user ? `The backup holds no chat of ${user.displayName}.` : 'The backup holds no chat yet.'}</p>
      ) : null}
      {chats.hasMore ? (
        <div className={styles.row}>
          <Button onClick={() => void chats.more()} disabled={chats.loading}>
            Show more chats
          </Button>
        </div>
      ) : null}
    </>
  );
}

function memberNames(chat: ChatSummary): string {
  const present = chat.members.filter((m) => m.present).map((m) => m.name);
  if (present.length === 0) return '—';
  if (present.length <= MEMBERS_SHOWN) return present.join(', ');
  return `${present.slice(0, MEMBERS_SHOWN - 1).join(', ')} and ${present.length - MEMBERS_SHOWN + 1} more`;
}
