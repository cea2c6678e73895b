import {
  Badge,
  Button,
  Field,
  Input,
  Select,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { ApiClient, ApiError } from '../../api/api-client';
import type { UserRow, UserSortKey, UserState, UsersQuery } from '../../api/types';
import { ErrorMessage } from '../../common/error-message';
import { useFormat } from '../../common/format';
import { useLayoutStyles } from '../../common/layout';
import { LiveRegion } from '../../common/live-region';
import { asApiError } from '../../common/use-resource';

const PAGE_SIZE = 50;
/** Typing pauses this long before the list is asked for again. */
const FILTER_DELAY_MS = 300;

const STATE_LABELS: Record<UserState, string> = {
  active: 'Active',
  unlicensed: 'No Teams license',
  disabled: 'Account disabled',
  deleted: 'Deleted',
  notFound: 'Not found',
};

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
  const [rows, setRows] = useState<UserRow[]>();
  /** The sort and filters of the rows on screen (the controls may already ask for the next ones). */
  const [shown, setShown] = useState<{ sort: Sort; filtered: boolean }>();
  const [total, setTotal] = useState(0);
  const [cursor, setCursor] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);

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

  useEffect(() => {
    let current = true;
    setLoading(true);
    api.users(query).then(
      (page) => {
        if (!current) return;
        setRows(page.items);
        setShown({ sort, filtered: Boolean(filter || state || inScope) });
        setTotal(page.total);
        setCursor(page.cursor);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (!current) return;
        setError(asApiError(failure));
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
    // The query's parts are the dependencies; the object itself is new on every render.
  }, [api, version, sort.key, sort.order, filter, state, inScope]);

  const more = async () => {
    if (!cursor) return;
    setLoading(true);
    try {
      const page = await api.users({ ...query, cursor });
      setRows((prev) => [...(prev ?? []), ...page.items]);
      setCursor(page.cursor);
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setLoading(false);
    }
  };

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
            {(Object.keys(STATE_LABELS) as UserState[]).map((s) => (
              <option key={s} value={s}>
                {STATE_LABELS[s]}
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
        <p data-testid="user-count">{shown ? summary(format.number(total), total, shown) : ''}</p>
      </LiveRegion>
      {error ? <ErrorMessage error={error} /> : null}
      {rows === undefined && loading ? <Spinner size="small" label="Reading the people…" /> : null}
      {rows ? (
        <div className={styles.tableWrap}>
          <Table
            className={styles.table}
            size="small"
            sortable
            aria-label="People and their backups"
            data-testid="user-table"
          >
            <TableHeader>
              <TableRow>
                {COLUMNS.map((column) => (
                  <TableHeaderCell
                    key={column.key}
                    sortDirection={
                      sort.key === column.key
                        ? sort.order === 'asc'
                          ? 'ascending'
                          : 'descending'
                        : undefined
                    }
                    onClick={() => sortBy(column.key)}
                  >
                    {column.label}
                  </TableHeaderCell>
                ))}
                <TableHeaderCell>Problems</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((row) => (
                <TableRow key={row.userId}>
                  <TableCell>{row.displayName}</TableCell>
                  <TableCell className={styles.breakAnywhere}>{row.userPrincipalName}</TableCell>
                  <TableCell>
                    <Badge appearance="tint" color={row.state === 'active' ? 'success' : 'informative'}>
                      {STATE_LABELS[row.state]}
                    </Badge>
                  </TableCell>
                  <TableCell>{format.number(row.chats)}</TableCell>
                  <TableCell>{format.number(row.messages)}</TableCell>
                  <TableCell>{scopeText(row, format.dateTime)}</TableCell>
                  <TableCell className={styles.nowrap}>
                    {row.lastBackedUpAt ? format.dateTime(row.lastBackedUpAt) : 'Not yet'}
                  </TableCell>
                  <TableCell className={row.problems.length > 0 ? styles.wide : undefined}>
                    {row.problems.length === 0 ? (
                      'None'
                    ) : (
                      <ul className={styles.plainList}>
                        {row.problems.map((p, i) => (
                          <li key={`${p.code}-${i}`}>{p.message}</li>
                        ))}
                      </ul>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      ) : null}
      {cursor ? (
        <div className={styles.row}>
          <Button onClick={() => void more()} disabled={loading}>
            Show more people
          </Button>
        </div>
      ) : null}
    </>
  );
}

/** Null "since" for someone in scope: they never left it, since before the scope was first changed. */
function scopeText(row: UserRow, dateTime: (iso: string) => string): string {
  if (!row.inScope) return 'Not in scope';
  return row.inScopeSince ? `In scope since ${dateTime(row.inScopeSince)}` : 'In scope from the start';
}

function summary(count: string, total: number, shown: { sort: Sort; filtered: boolean }): string {
  const column = COLUMNS.find((c) => c.key === shown.sort.key)!.label.toLowerCase();
  const order = shown.sort.order === 'asc' ? 'ascending' : 'descending';
  return `${count} ${total === 1 ? 'person' : 'people'}${shown.filtered ? (total === 1 ? ' matches' : ' match') : ''}, sorted by ${column} (${order}).`;
}
