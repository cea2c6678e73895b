import { makeStyles, tokens } from '@fluentui/react-components';
import { useEffect, useRef, type ReactNode } from 'react';

export const useLayoutStyles = makeStyles({
  page: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXXL,
    maxWidth: '1280px',
    // The column's gap spaces its paragraphs; their own margins would double it.
    '& > p': { margin: 0 },
  },
  section: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalL,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  h1: {
    margin: 0,
    fontSize: tokens.fontSizeBase600,
    lineHeight: tokens.lineHeightBase600,
    fontWeight: tokens.fontWeightSemibold,
    ':focus-visible': { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}` },
  },
  h2: {
    margin: 0,
    fontSize: tokens.fontSizeBase500,
    lineHeight: tokens.lineHeightBase500,
    fontWeight: tokens.fontWeightSemibold,
  },
  h3: {
    margin: 0,
    fontSize: tokens.fontSizeBase400,
    lineHeight: tokens.lineHeightBase400,
    fontWeight: tokens.fontWeightSemibold,
  },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, maxWidth: '36rem' },
  row: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, alignItems: 'center' },
  muted: { color: tokens.colorNeutralForeground2 },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'minmax(10rem, max-content) 1fr',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalS,
    margin: 0,
    '& dt': { fontWeight: tokens.fontWeightSemibold },
    '& dd': { margin: 0, overflowWrap: 'anywhere' },
  },
  tableWrap: { overflowX: 'auto' },
  // Fluent's tables share the width out evenly; these size columns to what they hold.
  table: { tableLayout: 'auto' },
  nowrap: { whiteSpace: 'nowrap' },
  breakAnywhere: { overflowWrap: 'anywhere', minWidth: '10rem' },
  wide: { minWidth: '16rem' },
  plainList: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
});

/**
 * The page's title. It takes the focus when the page is opened from the navigation, so keyboard
 * and screen reader users start on the new page rather than on the link they used.
 */
export function PageHeading(props: { children: ReactNode; focusOnMount: boolean }) {
  const styles = useLayoutStyles();
  const ref = useRef<HTMLHeadingElement>(null);
  const { focusOnMount } = props;
  useEffect(() => {
    if (focusOnMount) ref.current?.focus();
  }, [focusOnMount]);
  return (
    <h1 ref={ref} tabIndex={-1} className={styles.h1}>
      {props.children}
    </h1>
  );
}

export function Section(props: { id: string; title: string; children: ReactNode; description?: ReactNode }) {
  const styles = useLayoutStyles();
  return (
    <section aria-labelledby={`${props.id}-title`} className={styles.section}>
      <h2 id={`${props.id}-title`} className={styles.h2}>
        {props.title}
      </h2>
      {props.description ? <p className={styles.muted}>{props.description}</p> : null}
      {props.children}
    </section>
  );
}
