import type { BlobStore } from '../../blobs/blob-store';
import type { BackupStore } from '../../store/backup-store';
import { chatSummary } from '../transcript/chat-view';
import { buildMessageView } from '../transcript/message-view';
import { PeopleNames } from '../transcript/people';
import { base64Chunks } from './base64-chunks';
import type { ChatCounts, ChatSource, ExportBounds } from './chat-source';
import { dayHeading, messageHtml, transcriptClosing, transcriptOpening } from './html-transcript';

const IMAGE_PLACEHOLDER = /src="chatvault-image:([0-9a-f]{64})"/g;
/** A MIME type that can sit in a data: URI inside an attribute as it is. */
const SAFE_MEDIA_TYPE = /^[a-z]+\/[a-z0-9.+-]+$/i;

/**
 * One chat as a self-contained HTML transcript, written as it is read: every image is embedded
 * where it appears, as a data: URI streamed from the blob store in base64, so memory holds one page
 * of messages and no image whole.
 */
export async function* htmlChatExport(
  source: ChatSource,
  stores: { backup: Pick<BackupStore, 'getUser'>; blobs: Pick<BlobStore, 'get'> },
  meta: { exportedAt: string; bounds: ExportBounds },
  counts: ChatCounts,
): AsyncGenerator<string> {
  const people = new PeopleNames(source.tenantId, stores.backup);
  people.addMembers(source.storedMembers);
  yield transcriptOpening({
    chat: chatSummary(source.chat, source.members),
    tenantId: source.tenantId,
    exportedAt: meta.exportedAt,
    ...meta.bounds,
  });
  const embedded = new Set<string>();
  let day: string | undefined;
  for await (const history of source.messages()) {
    await people.learn(history.versions.map((v) => v.message));
    const view = buildMessageView(history, people);
    const types = new Map(
      history.versions.flatMap((v) => v.hostedContents.map((h) => [h.sha256, h.contentType])),
    );
    const heading = dayHeading(view.createdDateTime, day);
    day = heading.day;
    counts.messages++;
    counts.versions += history.versions.length;
    const html = heading.html + messageHtml(view);
    let last = 0;
    for (const match of html.matchAll(IMAGE_PLACEHOLDER)) {
      const sha256 = match[1]!;
      const type = types.get(sha256) ?? 'application/octet-stream';
      yield html.slice(last, match.index);
      yield `src="data:${SAFE_MEDIA_TYPE.test(type) ? type : 'application/octet-stream'};base64,`;
      yield* base64Chunks(await stores.blobs.get(source.tenantId, sha256));
      yield '"';
      embedded.add(sha256);
      last = match.index + match[0].length;
    }
    yield html.slice(last);
  }
  counts.hostedContents += embedded.size;
  yield transcriptClosing(counts);
}
