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
import type { ApiClient } from '../../api/api-client';
import type { RecoveryUser, UserState } from '../../api/recovery-types';
import { ErrorMessage } from '../../common/error-message';
import { useFormat } from '../../common/format';
import { useLayoutStyles } from '../../common/layout';
import { usePagedList } from './use-paged-list';

const PAGE_SIZE = 50;

const STATE_LABELS: Record<UserState, string> = {
  active: 'Active',
  unlicensed: 'No Teams license',
  disabled: 'Account disabled',
  deleted: 'Deleted',
  notFound: 'Not found',
};

/** Everyone the backup holds chats of, a page at a time; choosing one lists their chats. */
export function PeopleList(props: {
  api: ApiClient;
  chosen: string | undefined;
  onChoose(user: RecoveryUser): void;
}) {
  const { api } = props;
  const styles = useLayoutStyles();
  const format = useFormat();
  const people = usePagedList((cursor) => api.recovery.users({ limit: PAGE_SIZE, cursor }), [api]);

  return (
    <>
      {people.error ? <ErrorMessage error={people.error} /> : null}
      {people.items === undefined && people.loading ? (
        <Spinner size="small" label="Reading the people…" />
      ) : null}
      {people.items && people.items.length === 0 ? (
        <p>The backup holds nobody yet: run a backup first.</p>
      ) : null}
      {people.items && people.items.length > 0 ? (
        <div className={styles.tableWrap}>
          <Table
            className={styles.table}
            size="small"
            aria-label="People in the backup"
            data-testid="recovery-people"
          >
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Name</TableHeaderCell>
                <TableHeaderCell>User principal name</TableHeaderCell>
                <TableHeaderCell>State</TableHeaderCell>
                <TableHeaderCell>Last backed up</TableHeaderCell>
                <TableHeaderCell>
                  <span className="visually-hidden">Actions</span>
                </TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {people.items.map((user) => (
                <TableRow key={user.userId}>
                  <TableCell>{user.displayName}</TableCell>
                  <TableCell className={styles.breakAnywhere}>{user.upn}</TableCell>
                  <TableCell>
                    <Badge appearance="tint" color={user.state === 'active' ? 'success' : 'informative'}>
                      {STATE_LABELS[user.state]}
                    </Badge>
                  </TableCell>
                  <TableCell className={styles.nowrap}>
                    {user.lastBackedUpAt ? format.dateTime(user.lastBackedUpAt) : 'Not yet'}
                  </TableCell>
                  <TableCell>
                    <Button
                      size="small"
                      appearance={props.chosen === user.userId ? 'primary' : 'secondary'}
                      onClick={() => props.onChoose(user)}
                    >
                      Chats of {user.displayName}
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      ) : null}
      {people.hasMore ? (
        <div className={styles.row}>
          <Button onClick={() => void people.more()} disabled={people.loading}>
            Show more people
          </Button>
        </div>
      ) : null}
    </>
  );
}
