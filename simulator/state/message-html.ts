/** The HTML fragments Teams writes into message bodies for mentions, attachments and inline images. */

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** `<at id="n">` pairs with the mention whose `id` is n. */
export function mentionTag(id: number, text: string): string {
  return `<at id="${id}">${escapeHtml(text)}</at>`;
}

/** Cards and file references are placed in the body by an empty tag naming the attachment. */
export function attachmentTag(attachmentId: string): string {
  return `<attachment id="${attachmentId}"></attachment>`;
}

/** An inline image as Teams writes it (graph-examples chat-list-messages, second message). */
export function inlineImageHtml(src: string, width: number, height: number): string {
  return (
    `<div><span><img height="${height}" src="${src}" width="${width}" ` +
    `style="vertical-align:bottom; width:${width}px; height:${height}px"></span></div>`
  );
}

/** Width and height of a PNG from its IHDR chunk; undefined for anything else. */
export function pngSize(bytes: Buffer): { width: number; height: number } | undefined {
  const signature = '89504e470d0a1a0a';
  if (bytes.length < 24 || bytes.subarray(0, 8).toString('hex') !== signature) return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}
