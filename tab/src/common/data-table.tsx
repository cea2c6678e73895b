import {
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import type { ReactNode, Ref } from 'react';
import type { ApiError } from '../api/api-client';
import { ErrorMessage } from './error-message';
import { useLayoutStyles } from './layout';
import { VisuallyHidden } from './live-region';

/**
 * A list read from the server, as a table: its error, a spinner until there is something to show,
 * what to say when there is nothing, then the table itself, which scrolls sideways when the tab is
 * narrow.
 */
export function DataTable<T>(props: {
  /** The table's accessible name. */
  label: string;
  testId: string;
  /** The header cells, one per column. */
  header: ReactNode;
  items: readonly T[] | undefined;
  /** The item's `TableRow`, with its key. */
  row(item: T): ReactNode;
  /** The spinner shows while this is true and there are no items yet. */
  loading: boolean;
  loadingLabel?: string;
  /** Said instead of the table when there are no items; without it the table stays, header only. */
  empty?: ReactNode;
  error?: ApiError | undefined;
  onRetry?: () => void;
  sortable?: boolean;
  /** Makes the table focusable, for the focus to land on when the row holding it goes away. */
  focusRef?: Ref<HTMLTableElement>;
}) {
  const styles = useLayoutStyles();
  const { items } = props;
  let body: ReactNode;
  if (items === undefined) {
    body = props.loading ? <Spinner size="small" label={props.loadingLabel} /> : null;
  } else if (items.length === 0 && props.empty !== undefined) {
    body = props.empty;
  } else {
    body = (
      <div className={styles.tableWrap}>
        <Table
          ref={props.focusRef}
          tabIndex={props.focusRef ? -1 : undefined}
          className={styles.table}
          size="small"
          sortable={props.sortable}
          aria-label={props.label}
          data-testid={props.testId}
        >
          <TableHeader>
            <TableRow>{props.header}</TableRow>
          </TableHeader>
          <TableBody>{items.map((item) => props.row(item))}</TableBody>
        </Table>
      </div>
    );
  }
  return (
    <>
      {props.error ? <ErrorMessage error={props.error} onRetry={props.onRetry} /> : null}
      {body}
    </>
  );
}

/** The header of a column of buttons: named for screen readers, blank on screen. */
export function ActionsHeaderCell() {
  return (
    <TableHeaderCell>
      <VisuallyHidden>Actions</VisuallyHidden>
    </TableHeaderCell>
  );
}

/** A cell listing things (a run's problems, a person's): "None", or a list that widens its column. */
export function ListCell<T>(props: { items: readonly T[]; item(item: T, index: number): ReactNode }) {
  const styles = useLayoutStyles();
  return (
    <TableCell className={props.items.length > 0 ? styles.wide : undefined}>
      {props.items.length === 0 ? (
        'None'
      ) : (
        <ul className={styles.plainList}>{props.items.map((item, index) => props.item(item, index))}</ul>
      )}
    </TableCell>
  );
}
