import { escapeHtml } from '../html/escape-html';
import type { ChatSummary } from '../transcript/chat-view';
import type { EarlierVersion, TranscriptMessage, VersionChange } from '../transcript/message-view';

/**
 * The pieces of an offline HTML transcript: a page readable in any browser without a network, that
 * runs nothing and loads nothing. Bodies come sanitised (message-html.ts); everything else written
 * here is escaped; and the page's Content-Security-Policy forbids scripts, frames, forms and any
 * load but the page's own data: images and inline styles, should anything slip through.
 */

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const STYLE = `
:root { color-scheme: light; --ink: #242424; --muted: #616161; --line: #e0e0e0; --accent: #5b5fc7; --bg: #f5f5f5; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 "Segoe UI", system-ui, -apple-system, sans-serif; color: var(--ink); background: var(--bg); }
header, main, footer { max-width: 920px; margin: 0 auto; padding: 16px 24px; }
header { background: #fff; border-bottom: 1px solid var(--line); }
h1 { font-size: 20px; margin: 0 0 4px; }
.meta { color: var(--muted); margin: 2px 0; font-size: 12px; }
h2.day { font-size: 12px; font-weight: 600; color: var(--muted); text-align: center; margin: 20px 0 8px; }
.message { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; margin: 6px 0; }
.message.deleted { background: #fafafa; border-style: dashed; }
.head { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
.sender { font-weight: 600; }
time { color: var(--muted); font-size: 12px; }
.badge { font-size: 11px; border-radius: 3px; padding: 0 4px; border: 1px solid var(--line); color: var(--muted); }
.badge.important { color: #c4314b; border-color: #c4314b; }
.subject { font-weight: 600; margin: 4px 0 0; }
.body { margin-top: 4px; overflow-wrap: anywhere; }
.body img { max-width: 100%; height: auto; }
.body table { border-collapse: collapse; }
.body td, .body th { border: 1px solid var(--line); padding: 2px 6px; }
.mention { color: var(--accent); font-weight: 600; }
.missing-image { color: var(--muted); font-style: italic; }
.deleted-note { color: #c4314b; font-size: 12px; margin-top: 4px; }
.reply { border-left: 3px solid var(--accent); padding: 2px 8px; margin: 4px 0; color: var(--muted); font-size: 13px; }
.reply a { color: inherit; }
.attachments { margin: 6px 0 0; padding-left: 18px; font-size: 13px; }
.reactions { margin-top: 4px; display: flex; gap: 6px; flex-wrap: wrap; font-size: 12px; }
.reaction { border: 1px solid var(--line); border-radius: 10px; padding: 0 6px; }
details.history { margin-top: 6px; font-size: 12px; }
details.history summary { cursor: pointer; color: var(--accent); }
.earlier { border-left: 2px solid var(--line); margin: 6px 0 0 4px; padding: 2px 8px; }
.earlier .body { font-size: 13px; }
.event { color: var(--muted); font-size: 13px; text-align: center; margin: 8px 0; }
footer { color: var(--muted); font-size: 12px; }
`;

export interface TranscriptHeading {
  chat: ChatSummary;
  tenantId: string;
  exportedAt: string;
  at?: string;
  createdFrom?: string;
  createdBefore?: string;
}

export function transcriptOpening(heading: TranscriptHeading): string {
  const { chat } = heading;
  const present = chat.members.filter((m) => m.present);
  const scope = heading.at ? `As the backup saw it at ${time(heading.at)}` : 'Everything the backup kept';
  const range =
    heading.createdFrom || heading.createdBefore
      ? ` · messages created ${heading.createdFrom ? `from ${time(heading.createdFrom)}` : ''}${heading.createdFrom && heading.createdBefore ? ' ' : ''}${heading.createdBefore ? `before ${time(heading.createdBefore)}` : ''}`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ChatVault">
<title>${escapeHtml(chat.title)} — ChatVault transcript</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(chat.title)}</h1>
<p class="meta">${escapeHtml(chatTypeName(chat.chatType))} · created ${time(chat.createdDateTime)} · ${present.length} ${present.length === 1 ? 'member' : 'members'}</p>
<p class="meta">${scope}${range} · exported ${time(heading.exportedAt)} by ChatVault</p>
<details><summary class="meta">Members</summary><ul class="meta">${chat.members
    .map(
      (m) =>
        `<li>${escapeHtml(m.name)}${m.email ? ` &lt;${escapeHtml(m.email)}&gt;` : ''}${m.present ? '' : ' (left)'}</li>`,
    )
    .join('')}</ul></details>
</header>
<main>
`;
}

export function transcriptClosing(counts: { messages: number; versions: number }): string {
  return `</main>
<footer>${counts.messages} ${counts.messages === 1 ? 'message' : 'messages'}, ${counts.versions} ${counts.versions === 1 ? 'version' : 'versions'}.</footer>
</body>
</html>
`;
}

const DAY = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** A heading for the day a message falls on (UTC), when it differs from the previous message's. */
export function dayHeading(
  createdDateTime: string,
  previousDay: string | undefined,
): { html: string; day: string } {
  const ms = Date.parse(createdDateTime);
  const day = Number.isNaN(ms) ? createdDateTime.slice(0, 10) : new Date(ms).toISOString().slice(0, 10);
  if (day === previousDay) return { html: '', day };
  const label = Number.isNaN(ms) ? day : DAY.format(ms);
  return { html: `<h2 class="day">${escapeHtml(label)}</h2>\n`, day };
}

/** One message; its images are still placeholders (`chatvault-image:<sha256>`). */
export function messageHtml(view: TranscriptMessage): string {
  const anchor = `m-${escapeHtml(view.messageId)}`;
  if (view.kind === 'event') {
    return `<div class="event" id="${anchor}"><time datetime="${escapeHtml(view.createdDateTime)}">${time(view.createdDateTime)}</time> · ${escapeHtml(view.event ?? '')}</div>\n`;
  }
  const badges = [
    view.importance !== 'normal' ? `<span class="badge important">${escapeHtml(view.importance)}</span>` : '',
    view.edited ? '<span class="badge">edited</span>' : '',
    view.deleted ? '<span class="badge">deleted</span>' : '',
  ].join('');
  const parts = [
    `<article class="message${view.deleted ? ' deleted' : ''}" id="${anchor}">`,
    `<div class="head"><span class="sender">${escapeHtml(view.sender?.name ?? 'Unknown sender')}</span><time datetime="${escapeHtml(view.createdDateTime)}">${time(view.createdDateTime)}</time>${badges}</div>`,
  ];
  if (view.replyTo) {
    const who = view.replyTo.sender ? `${escapeHtml(view.replyTo.sender)}: ` : '';
    parts.push(
      `<div class="reply"><a href="#m-${escapeHtml(view.replyTo.messageId)}">In reply to</a> ${who}${escapeHtml(view.replyTo.preview ?? '')}</div>`,
    );
  }
  if (view.subject) parts.push(`<p class="subject">${escapeHtml(view.subject)}</p>`);
  if (view.deleted) {
    const when = view.deleted.deletedDateTime ?? view.deleted.seenDeletedAt;
    parts.push(
      `<div class="deleted-note">Deleted${when ? ` on ${time(when)}` : ''}${view.html ? '. Its last text:' : '; no earlier text was backed up.'}</div>`,
    );
  }
  if (view.html) parts.push(`<div class="body">${view.html}</div>`);
  if (view.attachments.length > 0) {
    parts.push(
      `<ul class="attachments">${view.attachments
        .map((a) => {
          const name = escapeHtml(a.name);
          const label = a.url
            ? `<a href="${escapeHtml(a.url)}" rel="noopener noreferrer nofollow" target="_blank">${name}</a>`
            : name;
          const kind = a.kind === 'file' ? 'File' : a.kind === 'card' ? 'Card' : 'Attachment';
          return `<li>${kind}: ${label}${a.text ? ` — ${escapeHtml(a.text)}` : ''}</li>`;
        })
        .join('')}</ul>`,
    );
  }
  if (view.reactions.length > 0) {
    parts.push(
      `<div class="reactions">${view.reactions
        .map(
          (r) =>
            `<span class="reaction" title="${escapeHtml(r.people.join(', '))}">${escapeHtml(reactionLabel(r.reaction, r.name))} ${r.count}</span>`,
        )
        .join('')}</div>`,
    );
  }
  if (view.earlierVersions.length > 0) parts.push(historyHtml(view.earlierVersions));
  parts.push('</article>\n');
  return parts.join('');
}

function historyHtml(earlier: EarlierVersion[]): string {
  const summary = `${earlier.length} earlier ${earlier.length === 1 ? 'version' : 'versions'}`;
  const items = earlier
    .map(
      (v) =>
        `<div class="earlier"><div class="meta">${escapeHtml(changeName(v.change))} · ${v.lastModifiedDateTime ? `${time(v.lastModifiedDateTime)} · ` : ''}backed up ${time(v.capturedAt)}</div>${v.html ? `<div class="body">${v.html}</div>` : ''}</div>`,
    )
    .join('');
  return `<details class="history"><summary>${summary}</summary>${items}</details>`;
}

function changeName(change: VersionChange): string {
  switch (change) {
    case 'posted':
      return 'As first posted';
    case 'edited':
      return 'Edited';
    case 'reactions':
      return 'Reactions changed';
    case 'deleted':
      return 'Deleted';
    case 'restored':
      return 'Restored';
    case 'other':
      return 'Changed';
    default: {
      const unreachable: never = change;
      return String(unreachable);
    }
  }
}

const REACTION_SIGNS: Record<string, string> = {
  like: '👍',
  heart: '❤️',
  laugh: '😆',
  surprised: '😮',
  sad: '😢',
  angry: '😡',
};

function reactionLabel(type: string, name: string | null): string {
  return REACTION_SIGNS[type] ?? (name && !/^[a-z]+$/i.test(type) ? type : (name ?? type));
}

function chatTypeName(type: string): string {
  switch (type) {
    case 'oneOnOne':
      return 'One-on-one';
    case 'group':
      return 'Group';
    case 'meeting':
      return 'Meeting';
    default:
      return 'Chat';
  }
}

/** `2026-03-02 08:01 UTC`, as every reader of the file sees it whatever their time zone. */
export function time(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeHtml(iso);
  const text = new Date(ms).toISOString();
  return `${text.slice(0, 10)} ${text.slice(11, 16)} UTC`;
}
