import { Badge, Button, mergeClasses } from '@fluentui/react-components';
import { useId, useState } from 'react';
import type { EarlierVersion, TranscriptMessage } from '../../api/recovery-types';
import { useFormat } from '../../common/format';
import { VisuallyHidden } from '../../common/live-region';
import { CHANGE_LABELS, reactionEmoji, usePreciseTime } from './recovery-format';
import { useTranscriptStyles } from './transcript-styles';

/**
 * A message body from the recovery API. The server sanitised it (an allow-list of formatting tags,
 * links to http/https/mailto only, images only from the backup, behind signed links that need no
 * token), which is what makes it safe to insert as HTML here; the tab's CSP (no inline script, images
 * from its own origin only) stands behind that.
 */
function SanitisedHtml(props: { html: string; className: string }) {
  return <div className={props.className} dangerouslySetInnerHTML={{ __html: props.html }} />;
}

export interface MessageItemProps {
  message: TranscriptMessage;
  /** The message a search result (or a reply) opened the transcript at. */
  isAnchor: boolean;
  /** Shows the message this one replies to. */
  onOpenMessage(messageId: string): void;
}

/** One message of a transcript, with what it carried and its history. */
export function MessageItem(props: MessageItemProps) {
  const { message, isAnchor } = props;
  const styles = useTranscriptStyles();
  const format = useFormat();

  if (message.kind === 'event') {
    return (
      <li
        tabIndex={isAnchor ? -1 : undefined}
        className={mergeClasses(styles.event, isAnchor && styles.anchor)}
        data-testid="message"
        data-message-id={message.messageId}
        data-anchor={isAnchor || undefined}
      >
        {message.event ?? 'Something happened in the chat.'}{' '}
        <time dateTime={message.createdDateTime} className={styles.time}>
          {format.dateTime(message.createdDateTime)}
        </time>
      </li>
    );
  }

  const deletedOn = message.deleted
    ? (message.deleted.deletedDateTime ?? message.deleted.seenDeletedAt)
    : undefined;
  return (
    <li
      tabIndex={isAnchor ? -1 : undefined}
      className={mergeClasses(styles.message, message.deleted && styles.deleted, isAnchor && styles.anchor)}
      data-testid="message"
      data-message-id={message.messageId}
      data-anchor={isAnchor || undefined}
      data-deleted={message.deleted ? true : undefined}
    >
      <div className={styles.header}>
        {isAnchor ? <VisuallyHidden>The message found: </VisuallyHidden> : null}
        <span className={styles.sender}>{message.sender?.name ?? 'Unknown sender'}</span>
        <time dateTime={message.createdDateTime} className={styles.time}>
          {format.dateTime(message.createdDateTime)}
        </time>
        {message.importance === 'high' ? <Badge color="warning">Important</Badge> : null}
        {message.importance === 'urgent' ? <Badge color="danger">Urgent</Badge> : null}
        {message.edited ? (
          <Badge appearance="outline" color="informative" data-testid="edited">
            Edited{message.edited.at ? ` ${format.dateTime(message.edited.at)}` : ''}
          </Badge>
        ) : null}
        {message.deleted ? (
          <Badge appearance="tint" color="danger" data-testid="deleted">
            {deletedOn ? `Deleted on ${format.dateTime(deletedOn)}` : 'Deleted'}
          </Badge>
        ) : null}
      </div>
      {message.replyTo ? (
        <blockquote className={styles.reply}>
          Replying to {message.replyTo.sender ?? 'a message'}
          {message.replyTo.preview ? `: “${message.replyTo.preview}”` : ''}{' '}
          <Button
            size="small"
            appearance="transparent"
            onClick={() => props.onOpenMessage(message.replyTo!.messageId)}
          >
            Show that message
          </Button>
        </blockquote>
      ) : null}
      {message.subject ? <p className={styles.subject}>{message.subject}</p> : null}
      {message.deleted ? (
        <p className={styles.meta}>
          {message.html === '' ? 'No text of it was backed up.' : 'Its last text before it was deleted:'}
        </p>
      ) : null}
      {message.html !== '' ? (
        <SanitisedHtml html={message.html} className={styles.body} />
      ) : message.deleted ? null : (
        <p className={styles.meta}>(No text)</p>
      )}
      {message.attachments.length > 0 ? (
        <ul className={styles.attachments} aria-label="Attachments">
          {message.attachments.map((a, i) => (
            <li key={`${a.id}-${i}`}>
              {a.url && /^https?:/i.test(a.url) ? (
                <a href={a.url} target="_blank" rel="noopener noreferrer">
                  {a.name}
                </a>
              ) : (
                a.name
              )}
              {a.kind === 'file' ? ' (file, kept where it was shared, not in the backup)' : ''}
              {a.text ? `: ${a.text}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      {message.mentions.length > 0 ? (
        <p className={styles.meta}>Mentions: {message.mentions.map((m) => m.name).join(', ')}</p>
      ) : null}
      {message.reactions.length > 0 ? (
        <ul className={styles.chips} aria-label="Reactions">
          {message.reactions.map((r) => (
            <li key={r.reaction} className={styles.chip} title={r.people.join(', ')}>
              <span aria-hidden="true">
                {reactionEmoji(r.reaction)} {r.count}
              </span>
              <VisuallyHidden>
                {r.name ?? r.reaction} from {r.people.join(', ')}
              </VisuallyHidden>
            </li>
          ))}
        </ul>
      ) : null}
      {message.earlierVersions.length > 0 ? <EarlierVersions versions={message.earlierVersions} /> : null}
    </li>
  );
}

/** An edited or deleted message's earlier states, one click away. */
function EarlierVersions(props: { versions: EarlierVersion[] }) {
  const styles = useTranscriptStyles();
  const preciseTime = usePreciseTime();
  const [open, setOpen] = useState(false);
  const id = useId();
  const count = props.versions.length;
  return (
    <div>
      <Button
        size="small"
        appearance="subtle"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
      >
        {open ? 'Hide' : 'Show'} {count === 1 ? 'the earlier version' : `${count} earlier versions`}
      </Button>
      <div id={id} hidden={!open}>
        <ol className={styles.versions} aria-label="Earlier versions">
          {props.versions.map((v) => (
            <li key={v.versionKey} className={styles.version} data-testid="earlier-version">
              <p className={styles.meta}>
                {CHANGE_LABELS[v.change]}, backed up {preciseTime(v.capturedAt)}
                {v.lastModifiedDateTime && v.change !== 'posted'
                  ? ` (changed ${preciseTime(v.lastModifiedDateTime)})`
                  : ''}
              </p>
              {v.html === undefined ? (
                <p className={styles.meta}>The message was deleted at this point.</p>
              ) : v.html === '' ? (
                <p className={styles.meta}>(No text)</p>
              ) : (
                <SanitisedHtml html={v.html} className={styles.body} />
              )}
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}
