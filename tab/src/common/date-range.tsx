import { Field, Input, makeStyles, tokens } from '@fluentui/react-components';
import { validationProps } from './field-validation';

/** A range of days as two `date` inputs give it: empty strings for an open end. */
export interface TypedDays {
  from: string;
  to: string;
}

type RangeErrors = { from?: string; to?: string };

const useStyles = makeStyles({
  dates: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM },
});

/**
 * A `date` input's value as the moment its day begins in the person's time zone; `dayAfter` gives
 * the start of the next day (an inclusive "until" date becomes the API's exclusive `to`).
 */
function fromDateInput(value: string, dayAfter = false): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return undefined;
  const day = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + (dayAfter ? 1 : 0));
  return Number.isNaN(day.getTime()) ? undefined : day.toISOString();
}

/**
 * The days typed as the API's `from` (inclusive) and `to` (exclusive) moments, with an error for
 * each end that is not a date and for a last day before the first.
 */
export function readDateRange(typed: TypedDays): { from?: string; to?: string; errors: RangeErrors } {
  const from = typed.from ? fromDateInput(typed.from) : undefined;
  const to = typed.to ? fromDateInput(typed.to, true) : undefined;
  const errors: RangeErrors = {};
  if (typed.from && !from) errors.from = 'Enter a date, or leave it empty.';
  if (typed.to && !to) errors.to = 'Enter a date, or leave it empty.';
  if (from && to && from >= to) errors.to = 'The last day must not be before the first.';
  return { ...(from ? { from } : {}), ...(to ? { to } : {}), errors };
}

/** The first and last day side by side (one above the other when the tab is narrow). */
export function DateRangeFields(props: {
  labels: { from: string; to: string };
  value: TypedDays;
  errors: RangeErrors;
  onChange(value: TypedDays): void;
}) {
  const styles = useStyles();
  const { value, onChange } = props;
  return (
    <div className={styles.dates}>
      <Field label={props.labels.from} {...validationProps(props.errors.from)}>
        <Input type="date" value={value.from} onChange={(_, d) => onChange({ ...value, from: d.value })} />
      </Field>
      <Field label={props.labels.to} {...validationProps(props.errors.to)}>
        <Input type="date" value={value.to} onChange={(_, d) => onChange({ ...value, to: d.value })} />
      </Field>
    </div>
  );
}
