import sanitizeHtml from 'sanitize-html';
import type { HostedContentRef } from '../../store/backup-records';
import { escapeHtml } from './escape-html';

/**
 * A message body as HTML that is safe to show: through sanitize-html with an allow-list of
 * formatting tags and nothing else. No script survives (script elements, event handlers,
 * `javascript:` links, SVG, frames, forms, styles), and nothing loads by itself: an inline image
 * stays only when it is one of the message's hosted contents, and its address becomes a
 * placeholder the caller replaces with the blob (`resolveImages`); any other image is dropped for a
 * note saying so. Links stay links (to http, https and mailto only) and open in a new window.
 *
 * Teams' own tags become plain HTML: `<at>` a mention, `<emoji>` its character, `<attachment>`
 * (where a file or card sat; they are listed beside the body) nothing.
 */

/** The scheme of image placeholders: `chatvault-image:<sha256>`, or `…:missing` / `…:external`. */
const PLACEHOLDER = 'chatvault-image';

const ALLOWED_TAGS = [
  'p', 'div', 'span', 'br', 'hr',
  'b', 'strong', 'i', 'em', 'u', 's', 'strike', 'del', 'ins', 'sub', 'sup', 'small', 'mark',
  'blockquote', 'pre', 'code',
  'ul', 'ol', 'li',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption',
  'a', 'img',
]; // prettier-ignore

const HOSTED_CONTENT = /hostedContents\/([^"'\s<>?#]+?)\/\$value/;
const DIMENSION = /^\d{1,4}$/;

export interface MessageHtmlOptions {
  /** The hosted contents the version references, by their Graph id. */
  hostedContents: readonly HostedContentRef[];
}

export function sanitizeMessageBody(
  body: { contentType?: unknown; content?: unknown } | null | undefined,
  options: MessageHtmlOptions,
): string {
  const content = typeof body?.content === 'string' ? body.content : '';
  if (content === '') return '';
  if (body?.contentType !== 'html') return escapeHtml(content).replace(/\r?\n/g, '<br />');
  const byId = new Map(options.hostedContents.map((h) => [h.id, h]));
  return sanitizeHtml(content, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title', 'rel', 'target'],
      img: ['src', 'alt', 'width', 'height'],
      span: ['class', 'title'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan'],
      ol: ['start'],
    },
    allowedClasses: { span: ['mention', 'emoji'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: [PLACEHOLDER] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
    // `//host/x.png` is a remote load too.
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    // Removed with everything inside them (other unknown tags keep their text).
    nonTextTags: [
      'script',
      'style',
      'textarea',
      'option',
      'noscript',
      'title',
      'svg',
      'math',
      'iframe',
      'object',
      'template',
    ],
    transformTags: {
      at: () => ({ tagName: 'span', attribs: { class: 'mention' } }),
      // The character stands in for the element, as Teams shows it.
      emoji: (_tag, attribs) => ({
        tagName: 'span',
        attribs: { class: 'emoji', ...(attribs['title'] ? { title: attribs['title'] } : {}) },
        text: attribs['alt'] ?? '',
      }),
      a: (_tag, attribs) => ({
        tagName: 'a',
        attribs: {
          ...(attribs['href'] ? { href: attribs['href'] } : {}),
          ...(attribs['title'] ? { title: attribs['title'] } : {}),
          rel: 'noopener noreferrer nofollow',
          target: '_blank',
        },
      }),
      img: (_tag, attribs) => ({ tagName: 'img', attribs: imageAttributes(attribs, byId) }),
    },
  }).replace(PLACEHOLDER_IMAGE, (_img, kind: string) =>
    kind === 'external'
      ? '<span class="missing-image">[an image from another site, not loaded]</span>'
      : '<span class="missing-image">[an image that is not in the backup]</span>',
  );
}

const PLACEHOLDER_IMAGE = /<img src="chatvault-image:(missing|external)"[^>]*>/g;

function imageAttributes(
  attribs: Record<string, string>,
  hosted: Map<string, HostedContentRef>,
): Record<string, string> {
  const match = HOSTED_CONTENT.exec(attribs['src'] ?? '');
  const id = match ? decodeSegment(match[1]!) : undefined;
  const ref = id === undefined ? undefined : hosted.get(id);
  const src = ref ? `${PLACEHOLDER}:${ref.sha256}` : `${PLACEHOLDER}:${match ? 'missing' : 'external'}`;
  const kept: Record<string, string> = { src, alt: attribs['alt'] ?? '' };
  for (const dimension of ['width', 'height'] as const) {
    const value = attribs[dimension];
    if (value !== undefined && DIMENSION.test(value)) kept[dimension] = value;
  }
  return kept;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The hashes of the images a sanitised body shows, each once, in order. */
export function imagesIn(html: string): string[] {
  return [...new Set([...html.matchAll(/src="chatvault-image:([0-9a-f]{64})"/g)].map((m) => m[1]!))];
}

/**
 * Replaces each image placeholder of a sanitised body by the address the caller serves the blob
 * at (an API path for the tab, a data: URI in an offline export). The address must not need
 * escaping in an attribute: base64, hex and paths made of them do not.
 */
export function resolveImages(html: string, src: (sha256: string) => string): string {
  return html.replace(
    /src="chatvault-image:([0-9a-f]{64})"/g,
    (_m, sha256: string) => `src="${src(sha256)}"`,
  );
}
