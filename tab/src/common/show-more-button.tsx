import { Button } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import { useLayoutStyles } from './layout';
import type { PagedList } from './use-paged-list';

/** Asks for the next page of a paged list; there only while the server has more. */
export function ShowMoreButton(props: {
  list: Pick<PagedList<unknown, unknown>, 'hasMore' | 'loading' | 'more'>;
  children: ReactNode;
}) {
  const styles = useLayoutStyles();
  const { list } = props;
  if (!list.hasMore) return null;
  return (
    <div className={styles.row}>
      <Button onClick={() => void list.more()} disabled={list.loading}>
        {props.children}
      </Button>
    </div>
  );
}
