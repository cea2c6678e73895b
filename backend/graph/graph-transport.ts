import type { TokenCredential } from '@azure/identity';
import {
  AuthenticationHandlerOptions,
  ResponseType,
  type AuthenticationProvider,
  type Client,
} from '@microsoft/microsoft-graph-client';
import { createGraphClient } from './graph-client';
import { graphScope } from './microsoft-endpoints';

/** One attempt at a GET, as it came back: an HTTP answer (any status), or why there was none. */
export type AttemptResult =
  | { kind: 'response'; status: number; headers: Headers; body: Buffer }
  /** No token: the credential refused or could not reach Entra. */
  | { kind: 'token'; error: unknown }
  /** No answer: connection refused or reset, TLS, DNS, or the body was cut off. */
  | { kind: 'network'; error: unknown };

/**
 * Sends one GET through @microsoft/microsoft-graph-client, once. The client is built without its
 * own retries: pacing and retries live in the requester, where a 429 can pause the whole endpoint
 * class and a retry waits for a paced slot like any request (the SDK's RetryHandler would sleep
 * one request and send it again past the pacing). Responses come back RAW: every status, the
 * headers (Retry-After) and the exact bytes (hosted contents), which the SDK's parsed responses
 * would not all keep.
 */
export class GraphTransport {
  private readonly client: Client;
  private readonly scope: string;

  constructor(
    graphBaseUrl: string,
    private readonly credential: TokenCredential,
  ) {
    this.client = createGraphClient({
      graphBaseUrl,
      auth: { credential },
      retry: { maxRetries: 0, delaySeconds: 0 },
    });
    this.scope = graphScope(graphBaseUrl);
  }

  async get(url: string, headers: Record<string, string>, signal?: AbortSignal): Promise<AttemptResult> {
    // The SDK wraps a token failure and a network failure into the same GraphError; a provider of
    // this attempt's own records which one it was. The credential's cache makes this cheap.
    let tokenError: { error: unknown } | undefined;
    const provider: AuthenticationProvider = {
      getAccessToken: async () => {
        try {
          const token = await this.credential.getToken(this.scope, { abortSignal: signal });
          if (!token) throw new Error('The credential returned no token for Microsoft Graph.');
          return token.token;
        } catch (error) {
          tokenError = { error };
          throw error;
        }
      },
    };
    let request = this.client
      .api(url)
      .headers(headers)
      .middlewareOptions([new AuthenticationHandlerOptions(provider)])
      .responseType(ResponseType.RAW);
    if (signal) request = request.option('signal', signal);
    try {
      const response = (await request.get()) as Response;
      const body = Buffer.from(await response.arrayBuffer());
      return { kind: 'response', status: response.status, headers: response.headers, body };
    } catch (error) {
      if (tokenError) return { kind: 'token', error: tokenError.error };
      return { kind: 'network', error };
    }
  }
}
