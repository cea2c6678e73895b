import { Button, Field, Input } from '@fluentui/react-components';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { fromLocalInput, toLocalInput } from './recovery-format';
import { useTranscriptStyles } from './transcript-styles';

/**
 * The moment a transcript shows: a date and time in the person's own time zone, to the second (two
 * backups can be seconds apart), or the latest state the backup holds.
 */
export function PointInTime(props: {
  at: string | undefined;
  onChange(at: string | undefined): void;
  disabled?: boolean;
}) {
  const { at, onChange } = props;
  const styles = useTranscriptStyles();
  const [value, setValue] = useState(at ? toLocalInput(at) : '');
  const [error, setError] = useState<string>();
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setValue(at ? toLocalInput(at) : '');
  }, [at]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const moment = fromLocalInput(value);
    if (!moment) {
      setError('Enter a date and a time, or choose Latest.');
      input.current?.focus();
      return;
    }
    setError(undefined);
    onChange(moment);
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Point in time" className={styles.toolbar}>
      <Field
        label="Show the chat as it was at (your local time)"
        validationState={error ? 'error' : 'none'}
        validationMessage={error}
      >
        <Input
          ref={input}
          type="datetime-local"
          // Seconds: the moments between two backups can be that close.
          step={1}
          value={value}
          onChange={(_, d) => setValue(d.value)}
        />
      </Field>
      <Button type="submit" disabled={props.disabled}>
        Show
      </Button>
      <Button
        disabled={props.disabled || at === undefined}
        onClick={() => {
          setError(undefined);
          onChange(undefined);
        }}
      >
        Latest
      </Button>
    </form>
  );
}
