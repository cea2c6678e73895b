import { Combobox, Field, Option, makeStyles, tokens } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { ApiClient, ApiError } from '../../api/api-client';
import type { DirectoryPerson } from '../../api/types';
import { LiveRegion } from '../../common/live-region';
import { asApiError } from '../../common/use-resource';

/** The API's bounds on the text (GET /people); kept here so no server code lands in the bundle. */
const MIN_SEARCH = 2;
const MAX_SEARCH = 100;
/** A pause in typing this long starts a search: one request per word typed, not per key. */
const SEARCH_DELAY_MS = 250;
const RESULTS = 10;

/** What choosing a person did to the list. */
export type PickOutcome = 'added' | 'already-listed';

type Search =
  | { kind: 'idle' }
  | { kind: 'searching' }
  | { kind: 'done'; text: string; people: DirectoryPerson[] }
  | { kind: 'failed'; error: ApiError };

const useStyles = makeStyles({
  person: { display: 'flex', flexDirection: 'column' },
  upn: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
  status: { color: tokens.colorNeutralForeground2, minHeight: tokens.lineHeightBase300 },
});

/**
 * Searches the tenant's directory as the admin types and hands the person chosen to `onPick`. It
 * keeps no selection of its own: the list it adds to is what gets saved.
 */
export function PeoplePicker(props: {
  api: Pick<ApiClient, 'searchPeople'>;
  disabled: boolean;
  onPick: (person: DirectoryPerson) => PickOutcome;
}) {
  const { api, disabled, onPick } = props;
  const styles = useStyles();
  const [text, setText] = useState('');
  const [search, setSearch] = useState<Search>({ kind: 'idle' });
  const [open, setOpen] = useState(false);
  const [picked, setPicked] = useState('');

  useEffect(() => {
    const wanted = text.trim();
    if (disabled || wanted.length < MIN_SEARCH) {
      setSearch({ kind: 'idle' });
      setOpen(false);
      return;
    }
    // Set by the cleanup once the text changes again: an answer to an older text is dropped.
    let stale = false;
    const timer = setTimeout(() => {
      setSearch((s) => (s.kind === 'done' ? s : { kind: 'searching' }));
      api.searchPeople(wanted, RESULTS).then(
        ({ items }) => {
          if (stale) return;
          setSearch({ kind: 'done', text: wanted, people: items });
          setOpen(items.length > 0);
        },
        (failure: unknown) => {
          if (stale) return;
          setSearch({ kind: 'failed', error: asApiError(failure) });
          setOpen(false);
        },
      );
    }, SEARCH_DELAY_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [text, disabled, api]);

  const people = search.kind === 'done' ? search.people : [];
  const choose = (id: string | undefined) => {
    const person = people.find((p) => p.id === id);
    if (!person) return;
    const named = `${person.displayName} (${person.userPrincipalName})`;
    setPicked(
      onPick(person) === 'added' ? `Added ${named} to the list.` : `${named} is already in the list.`,
    );
    setText('');
    setSearch({ kind: 'idle' });
    setOpen(false);
  };

  return (
    <div>
      <Field
        label="Find a person to add"
        hint={
          disabled
            ? 'Choose "Only the people listed" or "Everyone except the people listed" to list people.'
            : `Type at least ${MIN_SEARCH} characters of a name or UPN, then choose a person with the arrow keys and Enter: their UPN is added to the list below.`
        }
        validationState={search.kind === 'failed' ? 'error' : 'none'}
        validationMessage={search.kind === 'failed' ? search.error.message : undefined}
      >
        <Combobox
          // Freeform: leaving the box keeps what was typed instead of choosing the person it names.
          freeform
          value={text}
          selectedOptions={[]}
          open={open}
          onOpenChange={(_, data) => setOpen(data.open && people.length > 0)}
          onChange={(event) => {
            setText(event.target.value);
            setPicked('');
          }}
          onOptionSelect={(_, data) => choose(data.optionValue)}
          disabled={disabled}
          expandIcon={null}
          maxLength={MAX_SEARCH}
          autoComplete="off"
          placeholder="Name or UPN"
        >
          {people.map((person) => (
            <Option key={person.id} value={person.id} text={person.displayName}>
              <span className={styles.person}>
                <span>{person.displayName}</span>
                <span className={styles.upn}>{person.userPrincipalName}</span>
              </span>
            </Option>
          ))}
        </Combobox>
      </Field>
      <LiveRegion className={styles.status}>{disabled ? '' : statusText(search, picked)}</LiveRegion>
    </div>
  );
}

function statusText(search: Search, picked: string): string {
  if (picked) return picked;
  switch (search.kind) {
    case 'idle':
    case 'failed':
      // A failure is the field's own message, which screen readers are given by the field.
      return '';
    case 'searching':
      return 'Searching…';
    case 'done': {
      const count = search.people.length;
      if (count === 0) return `No one in your organization's directory starts with "${search.text}".`;
      if (count >= RESULTS)
        return `The first ${count} people found: type more to narrow them down; use the arrow keys to choose, Enter to add.`;
      return `${count} ${count === 1 ? 'person' : 'people'} found: use the arrow keys to choose, Enter to add.`;
    }
    default: {
      const unreachable: never = search;
      return String(unreachable);
    }
  }
}
