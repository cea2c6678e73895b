import { randomUUID } from 'node:crypto';

/**
 * An error Graph answers with its documented body:
 * `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`.
 */
export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphHttpError';
  }
}

export function graphErrorBody(code: string, message: string, clientRequestId?: string): unknown {
  const requestId = randomUUID();
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
        'request-id': requestId,
        'client-request-id': clientRequestId ?? requestId,
      },
    },
  };
}
