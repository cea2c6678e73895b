import {
  Badge,
  Button,
  Field,
  Input,
  Link,
  makeStyles,
  Select,
  Spinner,
  tokens,
} from '@fluentui/react-components';
import { Fragment, useEffect, useRef, useState, type FormEvent } from 'react';
import type { ApiClient, ApiError } from '../../api/api-client';
import type { SearchHit, SearchQuery } from '../../api/recovery-types';
import { DateRangeFields, readDateRange } from '../../common/date-range';
import { ErrorMessage } from '../../common/error-message';
import { validationProps } from '../../common/field-validation';
import { useFormat } from '../../common/format';
import { useLayoutStyles } from '../../common/layout';
import { LiveRegion, VisuallyHidden } from '../../common/live-region';
import { asApiError } from '../../common/use-resource';

const PAGE_SIZE = 25;

type SearchField = 'text' | 'sender' | 'chatId' | 'from' | 'to';

const useStyles = makeStyles({
  hits: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
  },
  hit: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXXS,
    paddingBottom: tokens.spacingVerticalS,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  meta: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    color: tokens.colorNeutralForeground2,
    fontSize: tokens.fontSizeBase200,
  },
  title: { fontSize: tokens.fontSizeBase400, textAlign: 'start' },
  snippet: { margin: 0, overflowWrap: 'anywhere' },
  mark: { backgroundColor: tokens.colorPaletteYellowBackground2, color: tokens.colorNeutralForeground1 },
});

/**
 * Search every backed-up state of every message (deleted ones and earlier versions of edited ones
 * included); a result opens the transcript at the message.
 */
export function SearchPanel(props: {
  api: ApiClient;
  /** The chat open in Browse, offered as a place to search in. */
  openChat: { chatId: string; title: string } | undefined;
  onOpen(hit: SearchHit): void;
}) {
  const { api, openChat } = props;
  const layout = useLayoutStyles();
  const styles = useStyles();
  const format = useFormat();
  const [draft, setDraft] = useState({ text: '', sender: '', inChat: '', from: '', to: '' });
  const [errors, setErrors] = useState<Partial<Record<SearchField, string>>>({});
  const [asked, setAsked] = useState<SearchQuery>();
  const [hits, setHits] = useState<SearchHit[]>();
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(false);
  const textInput = useRef<HTMLInputElement>(null);
  const generation = useRef(0);

  // Another chat opened (or none): "the chat open" no longer means the one chosen.
  useEffect(() => {
    setDraft((d) => (d.inChat !== '' && d.inChat !== openChat?.chatId ? { ...d, inChat: '' } : d));
  }, [openChat?.chatId]);

  const run = async (query: SearchQuery, append: boolean) => {
    const mine = ++generation.current;
    setLoading(true);
    setError(undefined);
    try {
      const page = await api.recovery.search(query);
      if (mine !== generation.current) return;
      setHits((prev) => (append ? [...(prev ?? []), ...page.items] : page.items));
      setNext(page.next);
    } catch (failure) {
      if (mine !== generation.current) return;
      const refused = asApiError(failure);
      const field = fieldOf(refused);
      if (field) {
        setErrors({ [field]: refused.message });
        if (!append) setHits(undefined);
      } else {
        setError(refused);
      }
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft.text.trim() === '') {
      setErrors({ text: 'Enter at least one word to search for.' });
      textInput.current?.focus();
      return;
    }
    const { from, to, errors: dateErrors } = readDateRange(draft);
    setErrors(dateErrors);
    if (Object.keys(dateErrors).length > 0) return;
    const chatId = draft.inChat || undefined;
    const query: SearchQuery = {
      text: draft.text.trim(),
      limit: PAGE_SIZE,
      ...(draft.sender.trim() ? { sender: draft.sender.trim() } : {}),
      ...(chatId ? { chatId } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    };
    setAsked(query);
    void run(query, false);
  };

  const fieldProps = (field: SearchField) => validationProps(errors[field]);

  return (
    <>
      <form onSubmit={submit} noValidate aria-label="Search messages" className={layout.form}>
        <Field
          label="Words"
          hint="Every word must be in the message. End a word with * to find words that begin with it."
          required
          {...fieldProps('text')}
        >
          <Input
            ref={textInput}
            type="search"
            value={draft.text}
            onChange={(_, d) => setDraft({ ...draft, text: d.value })}
          />
        </Field>
        <Field
          label="Sent by"
          hint="A user principal name or object ID; empty for anyone."
          {...fieldProps('sender')}
        >
          <Input
            value={draft.sender}
            onChange={(_, d) => setDraft({ ...draft, sender: d.value })}
            autoComplete="off"
          />
        </Field>
        <Field label="In" {...fieldProps('chatId')}>
          <Select value={draft.inChat} onChange={(_, d) => setDraft({ ...draft, inChat: d.value })}>
            <option value="">All chats</option>
            {openChat ? <option value={openChat.chatId}>{openChat.title} (the chat open)</option> : null}
          </Select>
        </Field>
        <DateRangeFields
          labels={{ from: 'Sent on or after', to: 'Sent on or before' }}
          value={draft}
          errors={errors}
          onChange={(days) => setDraft({ ...draft, ...days })}
        />
        <div className={layout.row}>
          <Button type="submit" appearance="primary" disabled={loading}>
            Search
          </Button>
          {loading ? <Spinner size="tiny" label="Searching…" /> : null}
        </div>
      </form>
      <LiveRegion>
        <p data-testid="search-status">{statusOf(asked, hits, next, loading, format.number)}</p>
      </LiveRegion>
      {error ? <ErrorMessage error={error} /> : null}
      {hits && hits.length > 0 ? (
        <ol className={styles.hits} aria-label="Search results" data-testid="search-results">
          {hits.map((hit) => (
            <li key={`${hit.chatId}/${hit.messageId}`} className={styles.hit} data-testid="search-hit">
              <Link as="button" className={styles.title} onClick={() => props.onOpen(hit)}>
                {hit.chatTitle}
                <VisuallyHidden>
                  {`: message from ${hit.sender.name}, ${format.dateTime(hit.createdDateTime)}`}
                </VisuallyHidden>
              </Link>
              <div className={styles.meta} aria-hidden="true">
                <span>{hit.sender.name}</span>
                <time dateTime={hit.createdDateTime}>{format.dateTime(hit.createdDateTime)}</time>
              </div>
              <p className={styles.snippet}>
                <Highlighted text={hit.snippet} words={asked?.text ?? ''} className={styles.mark} />
              </p>
              {hit.deleted || hit.onlyInEarlierVersions ? (
                <div className={styles.meta}>
                  {hit.deleted ? (
                    <Badge color="danger" appearance="tint">
                      deleted
                    </Badge>
                  ) : null}
                  {hit.onlyInEarlierVersions ? (
                    <Badge color="warning" appearance="tint">
                      only in an earlier version
                    </Badge>
                  ) : null}
                </div>
              ) : null}
            </li>
          ))}
        </ol>
      ) : null}
      {next && asked ? (
        <div className={layout.row}>
          <Button
            disabled={loading}
            onClick={() => {
              void run({ ...asked, cursor: next }, true);
            }}
          >
            More results
          </Button>
        </div>
      ) : null}
    </>
  );
}

function fieldOf(error: ApiError): SearchField | undefined {
  if (error.code !== 'invalid_input') return undefined;
  switch (error.field) {
    case 'text':
    case 'sender':
    case 'chatId':
    case 'from':
    case 'to':
      return error.field;
    default:
      return undefined;
  }
}

function statusOf(
  asked: SearchQuery | undefined,
  hits: SearchHit[] | undefined,
  next: string | undefined,
  loading: boolean,
  number: (n: number) => string,
): string {
  if (loading) return 'Searching…';
  if (!asked || !hits) return '';
  if (hits.length === 0) return `No message matches “${asked.text}”.`;
  return `${number(hits.length)} ${hits.length === 1 ? 'message matches' : 'messages match'} “${asked.text}”${
    next ? ', more on request' : ''
  }. Newest first.`;
}

/** The snippet with the searched words marked (as text: nothing here is HTML). */
function Highlighted(props: { text: string; words: string; className: string }) {
  const words = props.words
    .split(/\s+/)
    .map((w) => w.replace(/\*$/, ''))
    .filter((w) => w !== '')
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (words.length === 0) return <>{props.text}</>;
  const parts = props.text.split(new RegExp(`(${words.join('|')})`, 'gi'));
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <mark key={i} className={props.className}>
            {part}
          </mark>
        ) : (
          <Fragment key={i}>{part}</Fragment>
        ),
      )}
    </>
  );
}
