import { randomUUID } from 'node:crypto';

/**
 * The AADSTS errors the simulator's token service answers, each with the OAuth `error` and the
 * HTTP status Entra sends for it (seen in Entra responses quoted in SDK and product issue threads;
 * `invalid_client` failures are 401, the others 400). Clients must branch on the number in
 * `error_codes`, never on the text.
 */
export const ENTRA_ERRORS = {
  /** Unknown tenant id or domain; also what discovery answers for one. */
  90002: { status: 400, error: 'invalid_tenant' },
  /** A required form field is missing. */
  900144: { status: 400, error: 'invalid_request' },
  /** A grant type the simulator does not serve. */
  70003: { status: 400, error: 'unsupported_grant_type' },
  /** A scope that is not a resource's `/.default` in a client credentials request. */
  1002012: { status: 400, error: 'invalid_scope' },
  /** A `/.default` scope of a resource the tenant does not know. */
  500011: { status: 400, error: 'invalid_resource' },
  /** No application with this id in the tenant. */
  700016: { status: 400, error: 'unauthorized_client' },
  /** The application (its service principal) is disabled. */
  7000112: { status: 400, error: 'unauthorized_client' },
  /** The application has no service principal in the tenant: admin consent never happened. */
  7000229: { status: 401, error: 'invalid_client' },
  /** Neither `client_secret` nor `client_assertion` was sent. */
  7000218: { status: 401, error: 'invalid_client' },
  /** The secret matches none of the application's secrets (often the secret's ID pasted instead). */
  7000215: { status: 401, error: 'invalid_client' },
  /** The secret matches one of the application's secrets, but that one has expired. */
  7000222: { status: 401, error: 'invalid_client' },
} as const;

export type EntraErrorCode = keyof typeof ENTRA_ERRORS;

/** A refused token or discovery request, answered with Entra's error body. */
export class EntraError extends Error {
  readonly status: number;
  readonly error: string;

  constructor(
    readonly code: EntraErrorCode,
    /** The sentence after `AADSTS<code>: `. */
    readonly description: string,
  ) {
    super(`AADSTS${code}: ${description}`);
    this.name = 'EntraError';
    this.status = ENTRA_ERRORS[code].status;
    this.error = ENTRA_ERRORS[code].error;
  }
}

/** Entra's timestamps: `2023-05-06 06:03:00Z`. */
export function entraTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

export interface EntraErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

/**
 * The JSON body Entra answers a failed request with. The description ends with the trace,
 * correlation and timestamp lines, `\r\n`-separated, exactly where Entra puts them.
 */
export function entraErrorBody(
  failure: EntraError,
  options: { authorityHost: string; now: number; correlationId?: string },
): EntraErrorBody {
  const traceId = randomUUID();
  const correlationId = options.correlationId ?? randomUUID();
  const timestamp = entraTimestamp(options.now);
  return {
    error: failure.error,
    error_description:
      `AADSTS${failure.code}: ${failure.description}\r\n` +
      `Trace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [failure.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${options.authorityHost}/error?code=${failure.code}`,
  };
}

/** The sentences Entra writes for each failure, with what it names filled in. */
export const entraFailures = {
  tenantNotFound: (tenant: string) =>
    new EntraError(
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the ` +
        'correct cloud. Check with your subscription administrator, this may happen if there are no active ' +
        'subscriptions for the tenant.',
    ),
  missingParameter: (name: string) =>
    new EntraError(900144, `The request body must contain the following parameter: '${name}'.`),
  unsupportedGrantType: (grantType: string) =>
    new EntraError(70003, `The app requested an unsupported grant type '${grantType}'.`),
  scopeNotDefault: (scope: string) =>
    new EntraError(
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with ` +
        '/.default suffixed to the resource identifier (application ID URI).',
    ),
  resourceNotFound: (resource: string, tenantId: string) =>
    new EntraError(
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenantId}. This can happen if ` +
        'the application has not been installed by the administrator of the tenant or consented to by any user in ' +
        'the tenant. You might have sent your authentication request to the wrong tenant.',
    ),
  appNotFound: (appId: string, directoryName: string) =>
    new EntraError(
      700016,
      `Application with identifier '${appId}' was not found in the directory '${directoryName}'. This can happen ` +
        'if the application has not been installed by the administrator of the tenant or consented to by any user ' +
        'in the tenant. You may have sent your authentication request to the wrong tenant.',
    ),
  appDisabled: (appId: string, displayName: string) =>
    new EntraError(7000112, `Application '${appId}'(${displayName}) is disabled.`),
  noServicePrincipal: (appId: string, tenantId: string) =>
    new EntraError(
      7000229,
      `The client application ${appId} is missing service principal in the tenant ${tenantId}. See instructions ` +
        'here: https://go.microsoft.com/fwlink/?linkid=2225119',
    ),
  missingCredential: () =>
    new EntraError(
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  invalidSecret: (appId: string) =>
    new EntraError(
      7000215,
      'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, ' +
        `not the client secret ID, for a secret added to app '${appId}'.`,
    ),
  expiredSecret: (appId: string) =>
    new EntraError(
      7000222,
      `The provided client secret keys for app '${appId}' are expired. Visit the Azure portal to create new keys ` +
        'for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added ' +
        'security: https://aka.ms/certCreds.',
    ),
};
