import { GraphError, type GraphRequest } from '@microsoft/microsoft-graph-client';
import { decodeJwt } from 'jose';
import { createClientSecretCredential } from '../graph/client-secret-credential';
import { createGraphClient } from '../graph/graph-client';
import { graphScope, type MicrosoftEndpoints } from '../graph/microsoft-endpoints';
import { mapEntraFailure, type EntraFailure } from './entra-error-map';
import { mapGraphFailure, type GraphFailure } from './graph-error-map';
import type { OutcomeCode, OutcomeDetails, TestStage } from './outcomes';
import { checkPermissions } from './permission-check';
import { retryAfter, TokenFailureRecorder } from './token-failure-recorder';
import { transportReason } from './transport-error';

export interface TestRequest {
  /** The tenant the request is bound to (from Teams or the operator), never a form field. */
  tenantId: string;
  appId: string;
  secret: string;
}

/** The result of one connection test. Holds no secret and no token. */
export interface TestVerdict {
  code: OutcomeCode;
  stage: TestStage;
  details: OutcomeDetails;
  /** Application permissions (`roles`) in the token; empty when no token was issued. */
  permissions: string[];
  /** How far the live Graph read got: a message list read, chats only (no chat found), or nothing. */
  proof: 'messages' | 'users' | 'none';
  durationMs: number;
}

/** Tests a tenant app's credentials end to end; the service depends on this port. */
export interface ConnectionTester {
  /**
   * `rolesOnly`: stop once the token's roles are read (stage `token` or `permissions`, proof
   * `none`), for callers that need what the app may do now, not proof that message reads work.
   */
  test(request: TestRequest, options?: TestOptions): Promise<TestVerdict>;
}

export interface TestOptions {
  rolesOnly?: boolean;
}

export interface GraphConnectionTesterOptions {
  /** Budget for getting a token (tenant discovery + token request). */
  tokenTimeoutMs?: number;
  /** Budget for each Graph read. */
  graphTimeoutMs?: number;
  /** Users whose chats are looked at before concluding there is no chat to read. */
  usersToProbe?: number;
}

/**
 * The real test: a fresh token from Entra through @azure/identity, its `tid` and `roles`, then a
 * live Graph read of a user, one of their chats and its latest message. Nothing is retried: a test
 * reports what Microsoft answers now, within a bounded time.
 */
export class GraphConnectionTester implements ConnectionTester {
  private readonly tokenTimeoutMs: number;
  private readonly graphTimeoutMs: number;
  private readonly usersToProbe: number;

  constructor(
    private readonly endpoints: MicrosoftEndpoints,
    options: GraphConnectionTesterOptions = {},
  ) {
    this.tokenTimeoutMs = options.tokenTimeoutMs ?? 10_000;
    this.graphTimeoutMs = options.graphTimeoutMs ?? 10_000;
    this.usersToProbe = options.usersToProbe ?? 3;
  }

  async test(request: TestRequest, options: TestOptions = {}): Promise<TestVerdict> {
    const started = performance.now();
    const verdict = (
      code: OutcomeCode,
      stage: TestStage,
      details: OutcomeDetails,
      permissions: string[] = [],
      proof: TestVerdict['proof'] = 'none',
    ): TestVerdict => ({
      code,
      stage,
      details: { appId: request.appId, tenantId: request.tenantId, ...details },
      permissions,
      proof,
      durationMs: Math.round(performance.now() - started),
    });

    const token = await this.fetchToken(request);
    if (!token.ok) {
      const mapped = mapEntraFailure(token.failure);
      const details: OutcomeDetails = { service: 'entra' };
      if (mapped.entraCode !== undefined) details.entraCode = mapped.entraCode;
      if (mapped.retryAfterSeconds !== undefined) details.retryAfterSeconds = mapped.retryAfterSeconds;
      if (token.failure.kind === 'response') details.httpStatus = token.failure.status;
      return verdict(mapped.code, 'token', details);
    }

    // The token was just handed to us by the configured authority over TLS in answer to our own
    // request, and it is only read here to diagnose, never to authorise anyone: checking its
    // signature would prove nothing more. Graph checks it on every call that follows.
    let claims: Record<string, unknown>;
    try {
      claims = decodeJwt(token.accessToken);
    } catch {
      return verdict('unexpected', 'token', { service: 'entra' });
    }
    const tid = typeof claims.tid === 'string' ? claims.tid.toLowerCase() : undefined;
    if (tid !== request.tenantId.toLowerCase()) {
      return verdict('tenant_mismatch', 'token', { tokenTenantId: tid ?? 'none' });
    }

    const permissions = checkPermissions(claims.roles);
    const granted = [...permissions.granted].sort();
    if (!permissions.ok) {
      return permissions.reason === 'consent_missing'
        ? verdict('consent_missing', 'permissions', {}, granted)
        : verdict('permission_missing', 'permissions', { missing: permissions.missing, granted }, granted);
    }
    if (options.rolesOnly) return verdict('active', 'permissions', { granted }, granted);

    const probe = await this.probeGraph(token.accessToken);
    if (!probe.ok) {
      const mapped = mapGraphFailure(probe.failure);
      const details: OutcomeDetails = { service: 'graph', resource: probe.resource };
      if (mapped.graphCode !== undefined) details.graphCode = mapped.graphCode;
      if (mapped.retryAfterSeconds !== undefined) details.retryAfterSeconds = mapped.retryAfterSeconds;
      if (probe.failure.kind === 'response') details.httpStatus = probe.failure.status;
      return verdict(mapped.code, 'graph', details, granted);
    }
    return verdict('active', 'graph', { granted }, granted, probe.proof);
  }

  private async fetchToken(
    request: TestRequest,
  ): Promise<{ ok: true; accessToken: string } | { ok: false; failure: EntraFailure }> {
    const recorder = new TokenFailureRecorder(this.tokenTimeoutMs);
    // A new credential per test: its token cache is empty, so the token reflects consent as it is now.
    const credential = createClientSecretCredential({
      tenantId: request.tenantId,
      appId: request.appId,
      secret: request.secret,
      authorityHost: this.endpoints.authorityHost,
      additionalPolicies: [recorder.policy],
      maxRetries: 0,
    });
    try {
      const token = await withDeadline(
        credential.getToken(graphScope(this.endpoints.graphBaseUrl)),
        this.tokenTimeoutMs,
      );
      return { ok: true, accessToken: token.token };
    } catch (error) {
      return { ok: false, failure: recorder.failure() ?? failureFromIdentityError(error) };
    }
  }

  private async probeGraph(
    accessToken: string,
  ): Promise<
    { ok: true; proof: 'messages' | 'users' } | { ok: false; failure: GraphFailure; resource: string }
  > {
    const client = createGraphClient({
      graphBaseUrl: this.endpoints.graphBaseUrl,
      auth: { accessToken },
      retry: { maxRetries: 0, delaySeconds: 0 },
    });
    const read = async (resource: string, build: () => GraphRequest): Promise<ReadResult> => {
      try {
        const body = (await build().option('signal', AbortSignal.timeout(this.graphTimeoutMs)).get()) as {
          value?: { id?: unknown }[];
        };
        return {
          ok: true,
          ids: (body.value ?? []).map((v) => v.id).filter((id): id is string => typeof id === 'string'),
        };
      } catch (error) {
        return { ok: false, failure: graphFailureOf(error), resource };
      }
    };

    const users = await read('the list of users', () =>
      client.api('/users').top(this.usersToProbe).select('id'),
    );
    if (!users.ok) return users;
    for (const userId of users.ids) {
      const chats = await read("a user's chats", () =>
        client.api(`/users/${encodeURIComponent(userId)}/chats`).top(1),
      );
      // A user without a Teams licence or mailbox has no chats to list; the next user may.
      if (!chats.ok && chats.failure.kind === 'response' && chats.failure.status === 404) continue;
      if (!chats.ok) return chats;
      const chatId = chats.ids[0];
      if (chatId === undefined) continue;
      const messages = await read('chat messages', () =>
        client.api(`/chats/${encodeURIComponent(chatId)}/messages`).top(1),
      );
      return messages.ok ? { ok: true, proof: 'messages' } : messages;
    }
    return { ok: true, proof: 'users' };
  }
}

type ReadResult = { ok: true; ids: string[] } | { ok: false; failure: GraphFailure; resource: string };

function graphFailureOf(error: unknown): GraphFailure {
  if (error instanceof GraphError && error.statusCode > 0) {
    const failure: GraphFailure = {
      kind: 'response',
      status: error.statusCode,
      ...retryAfter(error.headers?.get('retry-after')),
    };
    if (error.code) failure.code = error.code;
    return failure;
  }
  // The SDK wraps a request that got no answer in a GraphError without status, named after the cause.
  if (error instanceof GraphError && (error.code === 'AbortError' || error.code === 'TimeoutError')) {
    return { kind: 'transport', reason: 'timeout' };
  }
  return { kind: 'transport', reason: transportReason(error) };
}

/**
 * For an error the recorder did not see on the wire (it always should): @azure/identity's
 * `AuthenticationError` carries `errorResponse.errorCodes`, anything else is a transport problem.
 */
function failureFromIdentityError(error: unknown): EntraFailure {
  const response =
    (error as { statusCode?: unknown; errorResponse?: { error?: unknown; errorCodes?: unknown } }) ?? {};
  if (typeof response.statusCode === 'number' && response.errorResponse) {
    const codes = Array.isArray(response.errorResponse.errorCodes) ? response.errorResponse.errorCodes : [];
    const failure: EntraFailure = {
      kind: 'response',
      status: response.statusCode,
      errorCodes: codes.filter((n): n is number => typeof n === 'number'),
    };
    if (typeof response.errorResponse.error === 'string') failure.error = response.errorResponse.error;
    return failure;
  }
  return { kind: 'transport', reason: transportReason(error) };
}

class DeadlineError extends Error {
  override readonly name = 'TimeoutError';
}

/** Bounds a step whose library offers no working abort (getToken ignores its abortSignal here). */
async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
