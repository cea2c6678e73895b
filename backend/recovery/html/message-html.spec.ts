import assert from 'node:assert/strict';
import { HOSTILE_HTML } from '../testdata/launch-chat';
import { imagesIn, resolveImages, sanitizeMessageBody } from './message-html';

const SHA = 'ab'.repeat(32);
const hosted = [{ id: 'aW1n/+x=', sha256: SHA, contentType: 'image/png', size: 10 }];
const html = (content: string) =>
  sanitizeMessageBody({ contentType: 'html', content }, { hostedContents: hosted });

describe('sanitizeMessageBody', () => {
  it('keeps formatting, mentions and emoji, and turns hosted images into placeholders', () => {
    const out = html(
      '<div><p><b>Bold</b> <at id="0">Ada</at> <emoji id="smile" alt="🙂" title="Smile"></emoji></p>' +
        '<img height="297" src="https://graph.microsoft.com/v1.0/chats/19:a@thread.v2/messages/1/hostedContents/aW1n%2F%2Bx%3D/$value" width="297" style="vertical-align:bottom"></div>',
    );
    assert.equal(
      out,
      `<div><p><b>Bold</b> <span class="mention">Ada</span> <span class="emoji" title="Smile">🙂</span></p><img src="chatvault-image:${SHA}" alt="" width="297" height="297" /></div>`,
    );
    assert.deepEqual(imagesIn(out), [SHA]);
    assert.match(
      resolveImages(out, (sha) => `/img/${sha}`),
      new RegExp(`src="/img/${SHA}"`),
    );
  });

  it('removes every script, handler, frame, form and remote load', () => {
    const out = html(HOSTILE_HTML);
    for (const banned of [
      /<script/i,
      /<iframe/i,
      /<svg/i,
      /<style/i,
      /<form/i,
      /<input/i,
      /<object/i,
      /<meta/i,
      /<base/i,
    ])
      assert.doesNotMatch(out, banned);
    assert.doesNotMatch(out, /\son[a-z]+=/i);
    assert.doesNotMatch(out, /javascript:/i);
    assert.doesNotMatch(out, /evil\.example/);
    assert.doesNotMatch(out, /style=/);
    assert.equal((out.match(/an image from another site, not loaded/g) ?? []).length, 3);
    assert.match(out, /<a rel="noopener noreferrer nofollow" target="_blank">click<\/a>/);
  });

  it('names an inline image the backup lacks, and escapes text bodies', () => {
    assert.match(html('<img src="../hostedContents/unknown/$value">'), /an image that is not in the backup/);
    assert.equal(
      sanitizeMessageBody(
        { contentType: 'text', content: '<b>not html</b>\nsecond line' },
        { hostedContents: [] },
      ),
      '&lt;b&gt;not html&lt;/b&gt;<br />second line',
    );
    assert.equal(sanitizeMessageBody({ contentType: 'html', content: '' }, { hostedContents: [] }), '');
  });
});
