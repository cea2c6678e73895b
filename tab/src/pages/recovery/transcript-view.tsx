import { Button, Spinner } from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';
import type { ApiClient, ApiError } from '../../api/api-client';
import type { ChatSummary, TranscriptPage, TranscriptQuery } from '../../api/recovery-types';
import { ErrorMessage } from '../../common/error-message';
import { useFormat } from '../../common/format';
import { useLayoutStyles } from '../../common/layout';
import { LiveRegion } from '../../common/live-region';
import { asApiError } from '../../common/use-resource';
import { MessageItem } from './message-item';
import { PointInTime } from './point-in-time';
import { CHAT_TYPE_LABELS, usePreciseTime } from './recovery-format';
import { useTranscriptStyles } from './transcript-styles';

/** Messages per page: a screenful or two; a chat of 100,000 messages is read a page at a time. */
const PAGE_SIZE = 50;

/** Which page to read; `scroll` is where the view goes once it is shown. */
type Want =
  | { kind: 'newest' }
  | { kind: 'oldest' }
  | { kind: 'cursor'; cursor: string; scroll: 'top' | 'bottom' }
  | { kind: 'around'; messageId: string };

export function TranscriptView(props: {
  api: ApiClient;
  chatId: string;
  /** Open at this message (a search result): the page around it, with it highlighted. */
  around?: string;
  onBack(): void;
  onExport(chat: ChatSummary, at: string | undefined): void;
}) {
  const { api, chatId } = props;
  const layout = useLayoutStyles();
  const styles = useTranscriptStyles();
  const format = useFormat();
  const preciseTime = usePreciseTime();
  const [at, setAt] = useState<string>();
  const [want, setWant] = useState<Want>(
    props.around ? { kind: 'around', messageId: props.around } : { kind: 'newest' },
  );
  const [page, setPage] = useState<TranscriptPage>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const heading = useRef<HTMLHeadingElement>(null);
  const list = useRef<HTMLOListElement>(null);
  /** Where to take the view once the page asked for is on screen. */
  const scrollAfterLoad = useRef<'anchor' | 'top' | 'bottom' | 'heading' | undefined>('heading');

  useEffect(() => {
    let current = true;
    const options: TranscriptQuery = { limit: PAGE_SIZE, ...(at ? { at } : {}) };
    switch (want.kind) {
      case 'newest':
        break;
      case 'oldest':
        options.start = 'oldest';
        break;
      case 'cursor':
        options.cursor = want.cursor;
        break;
      case 'around':
        options.around = want.messageId;
        break;
    }
    setLoading(true);
    api.recovery.transcript(chatId, options).then(
      (answer) => {
        if (!current) return;
        setPage(answer);
        setError(undefined);
        setLoading(false);
        if (want.kind === 'around') scrollAfterLoad.current = 'anchor';
        else if (want.kind === 'cursor') scrollAfterLoad.current = want.scroll;
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
  }, [api, chatId, at, want]);

  // After the page is drawn: the found message in the middle of the view, with the focus (so the
  // keyboard continues from it); a page of older messages from its end, newer from its start.
  useEffect(() => {
    if (!page) return;
    const target = scrollAfterLoad.current;
    scrollAfterLoad.current = undefined;
    const items = list.current?.querySelectorAll<HTMLElement>('[data-testid=message]');
    switch (target) {
      case 'anchor': {
        const anchor = list.current?.querySelector<HTMLElement>('[data-anchor]');
        anchor?.scrollIntoView({ block: 'center' });
        anchor?.focus({ preventScroll: true });
        break;
      }
      case 'top':
        items?.[0]?.scrollIntoView({ block: 'start' });
        break;
      case 'bottom':
        items?.[items.length - 1]?.scrollIntoView({ block: 'end' });
        break;
      case 'heading':
        heading.current?.focus();
        break;
      case undefined:
        break;
    }
  }, [page]);

  const openMessage = (messageId: string) => {
    const shown = page?.messages.some((m) => m.messageId === messageId);
    if (shown && page) {
      // Already on screen: mark it as the one to look at, without asking the server again.
      scrollAfterLoad.current = 'anchor';
      setPage({ ...page, anchor: messageId });
    } else {
      setWant({ kind: 'around', messageId });
    }
  };

  const chat = page?.chat;
  const messages = page?.messages ?? [];
  const first = messages[0];
  const last = messages[messages.length - 1];

  return (
    <div className={layout.section} data-testid="transcript">
      <div className={layout.row}>
        <Button onClick={props.onBack}>Back to the chats</Button>
        {chat ? <Button onClick={() => props.onExport(chat, at)}>Export this chat…</Button> : null}
      </div>
      <h2 ref={heading} tabIndex={-1} className={layout.h2} data-testid="transcript-title">
        {chat ? chat.title : 'Chat'}
      </h2>
      {chat ? (
        <p className={layout.muted}>
          {CHAT_TYPE_LABELS[chat.chatType]} · created {format.dateTime(chat.createdDateTime)} ·{' '}
          {chat.members.length === 0
            ? 'no members known'
            : `members: ${chat.members.map((m) => (m.present ? m.name : `${m.name} (left)`)).join(', ')}`}
        </p>
      ) : null}
      <PointInTime
        at={at}
        disabled={loading}
        onChange={(moment) => {
          setAt(moment);
          scrollAfterLoad.current = undefined;
          setWant({ kind: 'newest' });
        }}
      />
      <LiveRegion>
        <p data-testid="transcript-status">
          {loading ? 'Reading the messages…' : page ? describePage(page, preciseTime, format.dateTime) : ''}
        </p>
      </LiveRegion>
      {error ? <ErrorMessage error={error} onRetry={() => setWant((w) => ({ ...w }))} /> : null}
      {loading && !page ? <Spinner size="small" label="Reading the messages…" /> : null}
      {page ? (
        <>
          {page.older || page.newer ? (
            <div role="group" aria-label="Earlier messages" className={layout.row}>
              <Button disabled={loading || !page.older} onClick={() => setWant({ kind: 'oldest' })}>
                Oldest
              </Button>
              <Button
                disabled={loading || !page.older}
                onClick={() =>
                  page.older && setWant({ kind: 'cursor', cursor: page.older, scroll: 'bottom' })
                }
              >
                Older
              </Button>
            </div>
          ) : null}
          {messages.length === 0 ? (
            <p>
              {at
                ? 'The backup had no message of this chat at that moment.'
                : 'This chat has no messages in the backup.'}
            </p>
          ) : (
            <ol
              ref={list}
              className={styles.list}
              aria-label={`Messages${first && last ? ` from ${format.dateTime(first.createdDateTime)} to ${format.dateTime(last.createdDateTime)}` : ''}`}
              data-testid="messages"
            >
              {messages.map((message) => (
                <MessageItem
                  key={message.messageId}
                  message={message}
                  isAnchor={page.anchor === message.messageId}
                  onOpenMessage={openMessage}
                />
              ))}
            </ol>
          )}
          {page.older || page.newer ? (
            <div role="group" aria-label="Later messages" className={layout.row}>
              <Button
                disabled={loading || !page.newer}
                onClick={() => page.newer && setWant({ kind: 'cursor', cursor: page.newer, scroll: 'top' })}
              >
                Newer
              </Button>
              <Button disabled={loading || !page.newer} onClick={() => setWant({ kind: 'newest' })}>
                Newest
              </Button>
            </div>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

function describePage(
  page: TranscriptPage,
  preciseTime: (iso: string | null) => string,
  dateTime: (iso: string) => string,
): string {
  const n = page.messages.length;
  const when = page.at ? ` as the backup saw it at ${preciseTime(page.at)}` : ' (latest backed-up state)';
  if (n === 0) return `No messages${when}.`;
  const first = page.messages[0]!.createdDateTime;
  const last = page.messages[n - 1]!.createdDateTime;
  return `${n} ${n === 1 ? 'message' : 'messages'}${when}, from ${dateTime(first)} to ${dateTime(last)}${
    page.older ? '; older ones on earlier pages' : ''
  }${page.newer ? '; newer ones on later pages' : ''}.`;
}
