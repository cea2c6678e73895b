import { Field, Input, Select, TableCell, TableHeaderCell, TableRow } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { ApiClient } from '../../api/api-client';
import type { UserRow, UserSortKey, UserState, UsersQuery } from '../../api/types';
import { DataTable, ListCell } from '../../common/data-table';
import { useFormat } from '../../common/format';
import { useLayoutStyles } from '../../common/layout';
import { LiveRegion } from '../../common/live-region';
import { ShowMoreButton } from '../../common/show-more-button';
import { usePagedList } from '../../common/use-paged-list';
import { USER_STATE_LABELS, UserStateBadge } from '../../common/user-state';

const PAGE_SIZE = 50;
/** Typing pauses this long before the list is asked for again. */
const FILTER_DELAY_MS = 300;

const COLUMNS: { key: UserSortKey; label: string }[] = [
  { key: 'displayName', label: 'Name' },
  { key: 'userPrincipalName', label: 'User principal name' },
  { key: 'state', label: 'State' },
  { key: 'chats', label: 'Chats' },
  { key: 'messages', label: 'Messages' },
  { key: 'inScope', label: 'Backup scope' },
  { key: 'lastBackedUpAt', label: 'Last backed up' },
];

const SCOPE_FILTERS: { value: NonNullable<UsersQuery['inScope']>; label: string }[] = [
  { value: 'true', label: 'In scope' },
  { value: 'false', label: 'Not in scope' },
];

type Sort = { key: UserSortKey; order: 'asc' | 'desc' };
/** The sort and filters of the rows on screen (the controls may already ask for the next ones). */
type Shown = { sort: Sort; filtered: boolean };

/**
 * Everyone the backup found, sorted and filtered by the server (a tenant can have many thousands
 * of people, so the table never holds them all), with their place in the backup scope.
 */
export function UserTable(props: { api: ApiClient; version: number }) {
  const { api, version } = props;
  const styles = useLayoutStyles();
  const format = useFormat();
  const [sort, setSort] = useState<Sort>({ key: 'displayName', order: 'asc' });
  const [filterText, setFilterText] = useState('');
  const [filter, setFilter] = useState('');
  const [state, setState] = useState<UsersQuery['state'] | ''>('');
  const [inScope, setInScope] = useState<UsersQuery['inScope'] | ''>('');

  useEffect(() => {
    const timer = setTimeout(() => setFilter(filterText.trim()), FILTER_DELAY_MS);
    return () => clearTimeout(timer);
  }, [filterText]);

  const query: UsersQuery = {
    sort: sort.key,
    order: sort.order,
    limit: PAGE_SIZE,
    ...(filter ? { filter } : {}),
    ...(state ? { state } : {}),
    ...(inScope ? { inScope } : {}),
  };

  const users = usePagedList(
    async (cursor) => {
      const page = await api.users({ ...query, cursor });
      const shown: Shown = { sort, filtered: Boolean(filter || state || inScope) };
      return { items: page.items, next: page.cursor, summary: { total: page.total, shown } };
    },
    // The query's parts are the dependencies; the object itself is new on every render.
    [api, version, sort.key, sort.order, filter, state, inScope],
    // A new sort or filter keeps the table (and the focus on its header) until the answer comes.
    { keepWhileReloading: true },
  );

  const sortBy = (key: UserSortKey) =>
    setSort((s) =>
      s.key === key ? { key, order: s.order === 'asc' ? 'desc' : 'asc' } : { key, order: 'asc' },
    );

  return (
    <>
      <div className={styles.row}>
        <Field label="Find people">
          <Input
            type="search"
            value={filterText}
            onChange={(_, d) => setFilterText(d.value)}
            placeholder="Name or user principal name"
          />
        </Field>
        <Field label="Show">
          <Select value={state} onChange={(_, d) => setState(d.value as UsersQuery['state'] | '')}>
            <option value="">Everyone</option>
            <option value="problems">People with problems</option>
            {(Object.keys(USER_STATE_LABELS) as UserState[]).map((s) => (
              <option key={s} value={s}>
                {USER_STATE_LABELS[s]}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Scope">
          <Select value={inScope} onChange={(_, d) => setInScope(d.value as UsersQuery['inScope'] | '')}>
            <option value="">All</option>
            {SCOPE_FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <LiveRegion>
        <p data-testid="user-count">{users.summary ? describeRows(users.summary, format.number) : ''}</p>
      </LiveRegion>
      <DataTable
        label="People and their backups"
        testId="user-table"
        sortable
        items={users.items}
        error={users.error}
        loading={users.loading}
        loadingLabel="Reading the people…"
        header={
          <>
            {COLUMNS.map((column) => (
              <TableHeaderCell
                key={column.key}
                sortDirection={
                  sort.key === column.key ? (sort.order === 'asc' ? 'ascending' : 'descending') : undefined
                }
                onClick={() => sortBy(column.key)}
              >
                {column.label}
              </TableHeaderCell>
            ))}
            <TableHeaderCell>Problems</TableHeaderCell>
          </>
        }
        row={(row) => (
          <TableRow key={row.userId}>
            <TableCell>{row.displayName}</TableCell>
            <TableCell className={styles.breakAnywhere}>{row.userPrincipalName}</TableCell>
            <TableCell>
              <UserStateBadge state={row.state} />
            </TableCell>
            <TableCell>{format.number(row.chats)}</TableCell>
            <TableCell>{format.number(row.messages)}</TableCell>
            <TableCell>{scopeText(row, format.dateTime)}</TableCell>
            <TableCell className={styles.nowrap}>
              {row.lastBackedUpAt ? format.dateTime(row.lastBackedUpAt) : 'Not yet'}
            </TableCell>
            <ListCell items={row.problems} item={(p, i) => <li key={`${p.code}-${i}`}>{p.message}</li>} />
          </TableRow>
        )}
      />
      <ShowMoreButton list={users}>Show more people</ShowMoreButton>
    </>
  );
}

/** Null "since" for someone in scope: they never left it, since before the scope was first changed. */
function scopeText(row: UserRow, dateTime: (iso: string) => string): string {
  if (!row.inScope) return 'Not in scope';
  return row.inScopeSince ? `In scope since ${dateTime(row.inScopeSince)}` : 'In scope from the start';
}

function describeRows(rows: { total: number; shown: Shown }, number: (n: number) => string): string {
  const { total, shown } = rows;
  const column = COLUMNS.find((c) => c.key === shown.sort.key)!.label.toLowerCase();
  const order = shown.sort.order === 'asc' ? 'ascending' : 'descending';
  return `${number(total)} ${total === 1 ? 'person' : 'people'}${shown.filtered ? (total === 1 ? ' matches' : ' match') : ''}, sorted by ${column} (${order}).`;
}
