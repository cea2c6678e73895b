import { Button, TableCell, TableHeaderCell, TableRow } from '@fluentui/react-components';
import type { ApiClient } from '../../api/api-client';
import type { RecoveryUser } from '../../api/recovery-types';
import { ActionsHeaderCell, DataTable } from '../../common/data-table';
import { useFormat } from '../../common/format';
import { useLayoutStyles } from '../../common/layout';
import { ShowMoreButton } from '../../common/show-more-button';
import { usePagedList } from '../../common/use-paged-list';
import { UserStateBadge } from '../../common/user-state';

const PAGE_SIZE = 50;

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
      <DataTable
        label="People in the backup"
        testId="recovery-people"
        items={people.items}
        error={people.error}
        loading={people.loading}
        loadingLabel="Reading the people…"
        empty={<p>The backup holds nobody yet: run a backup first.</p>}
        header={
          <>
            <TableHeaderCell>Name</TableHeaderCell>
            <TableHeaderCell>User principal name</TableHeaderCell>
            <TableHeaderCell>State</TableHeaderCell>
            <TableHeaderCell>Last backed up</TableHeaderCell>
            <ActionsHeaderCell />
          </>
        }
        row={(user) => (
          <TableRow key={user.userId}>
            <TableCell>{user.displayName}</TableCell>
            <TableCell className={styles.breakAnywhere}>{user.upn}</TableCell>
            <TableCell>
              <UserStateBadge state={user.state} />
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
        )}
      />
      <ShowMoreButton list={people}>Show more people</ShowMoreButton>
    </>
  );
}
