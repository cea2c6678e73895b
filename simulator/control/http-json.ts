import type { IncomingMessage, ServerResponse } from 'node:http';

/** JSON in and out for the control API; its errors are `{error:{code,message}}`. */

export type ControlErrorCode = 'invalidJson' | 'invalidRequest' | 'payloadTooLarge' | 'internalError';

export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: ControlErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

/** Inline images travel base64-encoded in JSON; a few of them fit comfortably. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** The parsed JSON body; undefined when the request has none. */
export async function readJsonBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > maxBytes)
      throw new ControlError(413, 'payloadTooLarge', `request body over ${maxBytes} bytes`);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ControlError(400, 'invalidJson', `request body is not JSON: ${(error as Error).message}`);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { error: { code, message } });
}

/** Query parameters of the request, last value winning. */
export function queryOf(req: IncomingMessage): Record<string, string> {
  const url = new URL(req.url ?? '/', 'http://control.invalid');
  return Object.fromEntries(url.searchParams.entries());
}
