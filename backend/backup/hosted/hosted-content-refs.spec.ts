import assert from 'node:assert/strict';
import type { GraphChatMessage } from '../../graph/tenant-graph-source';
import { hostedContentsIn } from './hosted-content-refs';

function message(content: string, extra: Partial<GraphChatMessage> = {}): GraphChatMessage {
  return {
    id: '1615971548136',
    chatId: '19:abc@thread.v2',
    messageType: 'message',
    createdDateTime: '2021-03-17T09:00:00Z',
    lastModifiedDateTime: '2021-03-17T09:00:00Z',
    deletedDateTime: null,
    from: null,
    body: { contentType: 'html', content },
    ...extra,
  };
}

describe('hostedContentsIn', () => {
  // Graph's own example (chat-list-messages, second message): a base64 id that holds '/' and '+'.
  const id = 'aWQ9eF8wLXd1cy1kOS1lNTRm/NjM1NWYxYmJk+NGQ3ZTNmNGJhZmU4NTI5MTBmNi92aWV3cy9pbWdv';
  const src = `https://graph.microsoft.com/v1.0/chats/19:abc@thread.v2/messages/1615971548136/hostedContents/${id}/$value`;

  it('reads the chat, message and id from each inline image URL, once each', () => {
    const html = `<div><span><img height="297" src="${src}" width="297"></span><img src="${src}"></div>`;
    assert.deepEqual(hostedContentsIn(message(html), '19:abc@thread.v2'), [
      { chatId: '19:abc@thread.v2', messageId: '1615971548136', hostedContentId: id },
    ]);
  });

  it('reads a percent-encoded chat id and keeps an image quoted from another message where it lives', () => {
    const html = `<img src="https://graph.example/v1.0/chats/19%3Aother%40thread.v2/messages/42/hostedContents/x1/$value">`;
    assert.deepEqual(hostedContentsIn(message(html), '19:abc@thread.v2'), [
      { chatId: '19:other@thread.v2', messageId: '42', hostedContentId: 'x1' },
    ]);
  });

  it('files a relative reference under the message itself', () => {
    assert.deepEqual(
      hostedContentsIn(message('<img src="../hostedContents/abc=/$value">'), '19:abc@thread.v2'),
      [{ chatId: '19:abc@thread.v2', messageId: '1615971548136', hostedContentId: 'abc=' }],
    );
  });

  it('finds nothing in text bodies, deleted messages, or file references', () => {
    assert.deepEqual(
      hostedContentsIn(message(src, { body: { contentType: 'text', content: src } }), 'c'),
      [],
    );
    assert.deepEqual(
      hostedContentsIn(message(`<img src="${src}">`, { deletedDateTime: '2021-03-18T00:00:00Z' }), 'c'),
      [],
    );
    assert.deepEqual(hostedContentsIn(message('<attachment id="5e2a"></attachment>'), 'c'), []);
  });
});
