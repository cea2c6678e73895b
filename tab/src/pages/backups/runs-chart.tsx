import { makeStyles, tokens } from '@fluentui/react-components';
import { useId } from 'react';
import type { Run } from '../../api/types';
import { useFormat } from '../../common/format';
import { messagesOf } from './run-labels';

const useStyles = makeStyles({
  figure: { margin: 0 },
  svg: { width: '100%', maxWidth: '720px', height: 'auto', display: 'block' },
  bar: { fill: tokens.colorBrandBackground },
  axis: { stroke: tokens.colorNeutralStroke1, strokeWidth: 1 },
  label: { fill: tokens.colorNeutralForeground1, fontSize: '11px', fontFamily: tokens.fontFamilyBase },
  table: {
    borderCollapse: 'collapse',
    '& th, & td': { textAlign: 'left', padding: `2px ${tokens.spacingHorizontalM}` },
  },
});

const WIDTH = 720;
const HEIGHT = 220;
const PAD = { top: 16, right: 8, bottom: 36, left: 56 };

/**
 * Messages backed up per run, oldest on the left, as a plain SVG bar chart. It is one image to
 * assistive technology (its title and a one-line description), and the same numbers are in a table
 * below it for anyone who prefers to read them.
 */
export function RunsChart(props: { runs: readonly Run[] }) {
  const styles = useStyles();
  const format = useFormat();
  const id = useId();
  const runs = props.runs
    .filter((r) => r.status === 'finished')
    .slice(0, 12)
    .reverse();
  if (runs.length === 0) return <p>No finished backup yet: the chart appears after the first one.</p>;

  const values = runs.map(messagesOf);
  const max = Math.max(1, ...values);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / runs.length;
  const barW = Math.max(4, Math.min(48, slot * 0.6));
  const total = values.reduce((a, b) => a + b, 0);
  const description =
    `${runs.length} ${runs.length === 1 ? 'run' : 'runs'} from ${format.date(runs[0]!.startedAt)} to ` +
    `${format.date(runs[runs.length - 1]!.startedAt)}; ${format.number(total)} messages in all, at most ` +
    `${format.number(max)} in one run.`;

  return (
    <figure className={styles.figure}>
      <svg
        className={styles.svg}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        data-testid="runs-chart"
      >
        <title id={`${id}-title`}>Messages backed up per run</title>
        <desc id={`${id}-desc`}>{description}</desc>
        <line
          className={styles.axis}
          x1={PAD.left}
          y1={PAD.top + plotH}
          x2={WIDTH - PAD.right}
          y2={PAD.top + plotH}
        />
        <line className={styles.axis} x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={PAD.top + plotH} />
        <text className={styles.label} x={PAD.left - 6} y={PAD.top + 4} textAnchor="end" aria-hidden="true">
          {format.number(max)}
        </text>
        <text
          className={styles.label}
          x={PAD.left - 6}
          y={PAD.top + plotH}
          textAnchor="end"
          aria-hidden="true"
        >
          0
        </text>
        {runs.map((run, i) => {
          const h = (values[i]! / max) * plotH;
          const x = PAD.left + slot * i + (slot - barW) / 2;
          return (
            <g key={run.runId} aria-hidden="true">
              <rect
                className={styles.bar}
                x={x}
                y={PAD.top + plotH - h}
                width={barW}
                height={Math.max(h, values[i]! > 0 ? 1 : 0)}
              >
                <title>
                  {format.dateTime(run.startedAt)}: {format.number(values[i]!)} messages
                </title>
              </rect>
              <text
                className={styles.label}
                x={x + barW / 2}
                y={HEIGHT - PAD.bottom + 16}
                textAnchor="middle"
              >
                {format.date(run.startedAt).replace(/,? \d{4}$/, '')}
              </text>
            </g>
          );
        })}
      </svg>
      <details>
        <summary>The chart's numbers as a table</summary>
        <table className={styles.table}>
          <caption className="visually-hidden">Messages backed up per run</caption>
          <thead>
            <tr>
              <th scope="col">Run started</th>
              <th scope="col">Messages backed up</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run, i) => (
              <tr key={run.runId}>
                <td>{format.dateTime(run.startedAt)}</td>
                <td>{format.number(values[i]!)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
