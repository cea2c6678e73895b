import { GUIDE_STEPS, type GuideStepId } from './guide-steps';

/**
 * Every result of a connection test: its stable code, the sentence an admin reads, and the guide
 * step to redo. This table is the only place those sentences live; bot, tab and CLI print them.
 */
export type OutcomeCode =
  | 'active'
  | 'invalid_app_id'
  | 'secret_id_pasted'
  | 'invalid_secret'
  | 'invalid_expiry'
  | 'expired_secret'
  | 'app_not_found'
  | 'tenant_not_found'
  | 'tenant_mismatch'
  | 'no_service_principal'
  | 'app_disabled'
  | 'consent_missing'
  | 'permission_missing'
  | 'graph_forbidden'
  | 'unreachable'
  | 'throttled'
  | 'unexpected';

/** Where the test stopped: input checks, the token, the token's roles, or the live Graph read. */
export type TestStage = 'input' | 'token' | 'permissions' | 'graph';

/** The form field an input problem belongs to. */
export type InputField = 'appId' | 'secret' | 'expiresAt';

/** Why an input field was refused before any network call. */
export type InputProblem =
  | 'empty'
  | 'too_long'
  | 'control_characters'
  | 'not_guid'
  | 'is_tenant_id'
  | 'masked_value'
  | 'looks_like_id'
  | 'unexpected_characters'
  | 'not_a_date'
  | 'in_the_past';

/** Facts a sentence may mention. None of them is ever the secret. */
export interface OutcomeDetails {
  appId?: string;
  tenantId?: string;
  /** The `tid` of a token issued for another tenant. */
  tokenTenantId?: string;
  field?: InputField;
  problem?: InputProblem;
  /** Application permissions the app needs and the token lacks. */
  missing?: readonly string[];
  /** Application permissions the token carries. */
  granted?: readonly string[];
  /** Which Microsoft service could not be reached, refused, or throttled. */
  service?: 'entra' | 'graph';
  /** The Graph read that was refused, e.g. "the list of users". */
  resource?: string;
  retryAfterSeconds?: number;
  /** For `unexpected`: the numeric Entra code (AADSTS number) or the Graph error code seen. */
  entraCode?: number;
  graphCode?: string;
  httpStatus?: number;
}

interface OutcomeSpec {
  ok: boolean;
  /** Null when there is nothing in the guide to redo. */
  step: GuideStepId | null;
  /**
   * A passing cloud problem rather than a verdict on the credentials: a periodic re-check that ends
   * this way is recorded but does not turn a working connection into Failing.
   */
  transient: boolean;
  sentence(d: OutcomeDetails): string;
}

const OUTCOMES: Record<OutcomeCode, OutcomeSpec> = {
  active: {
    ok: true,
    step: null,
    transient: false,
    sentence: () => 'Connected: the app can list your users and read their chat messages. Backups can run.',
  },
  invalid_app_id: {
    ok: false,
    step: 'register-5',
    transient: false,
    sentence: (d) => {
      switch (d.problem) {
        case 'empty':
          return 'Enter the Application ID: the Application (client) ID on the Overview page of the app you registered.';
        case 'is_tenant_id':
          return "That is your Directory (tenant) ID, not the app's ID. Copy the Application (client) ID, shown just above it on the app's Overview page.";
        case 'too_long':
        case 'control_characters':
        case 'unexpected_characters':
        case 'not_guid':
        default:
          return "The Application ID must be a GUID such as d0ef0cef-578e-411c-9c3d-3bf4ae424cb7. Copy the Application (client) ID from the app's Overview page.";
      }
    },
  },
  secret_id_pasted: {
    ok: false,
    step: 'setup-5-7',
    transient: false,
    sentence: () =>
      "The App Secret Code looks like the secret's ID (a GUID), not its Value. Copy the Value column instead; Entra shows it only right after the secret is created, so if you left that page, create a new client secret and copy its Value.",
  },
  invalid_secret: {
    ok: false,
    step: 'setup-5-7',
    transient: false,
    sentence: (d) => {
      switch (d.problem) {
        case 'empty':
          return 'Enter the App Secret Code: the Value of a client secret of the app (Certificates & secrets).';
        case 'masked_value':
          return 'That is the masked secret Entra shows once you leave the page, not the full Value. Create a new client secret and copy its Value right away.';
        case 'too_long':
        case 'control_characters':
        case 'unexpected_characters':
          return 'That is not a client secret Value (it is too long or holds spaces or characters Entra never uses). Copy the Value of the client secret again, without anything around it.';
        default:
          return 'Microsoft rejected the App Secret Code for this app. Create a new client secret and paste its Value (not its Secret ID).';
      }
    },
  },
  invalid_expiry: {
    ok: false,
    step: 'setup-6',
    transient: false,
    sentence: (d) =>
      d.problem === 'in_the_past'
        ? 'The expiry date of the secret is in the past. Enter the expiry Entra shows for the secret, or leave it empty for 24 months from today.'
        : 'The expiry date of the secret is not a date. Enter it as YYYY-MM-DD, or leave it empty for 24 months from today.',
  },
  expired_secret: {
    ok: false,
    step: 'setup-5-7',
    transient: false,
    sentence: () =>
      'This client secret has expired. Create a new client secret (24 months) and paste its Value.',
  },
  app_not_found: {
    ok: false,
    step: 'register-5',
    transient: false,
    sentence: (d) =>
      `No application with the ID ${d.appId ?? 'given'} exists in this tenant. Check the Application (client) ID, and that the app was registered while signed in to this tenant.`,
  },
  tenant_not_found: {
    ok: false,
    step: 'register-1',
    transient: false,
    sentence: (d) =>
      `Microsoft does not know the tenant ${d.tenantId ?? 'given'}. Connect from Teams signed in with an account of the tenant whose chats are to be backed up.`,
  },
  tenant_mismatch: {
    ok: false,
    step: 'register-1',
    transient: false,
    sentence: (d) =>
      `The app signed in to another tenant (${d.tokenTenantId ?? 'unknown'}) than yours (${d.tenantId ?? 'unknown'}). Register the app while signed in to the portal with an admin account of your own tenant.`,
  },
  no_service_principal: {
    ok: false,
    step: 'setup-12',
    transient: false,
    sentence: () =>
      'The app is registered but has no enterprise application (service principal) in this tenant yet. Select "Grant admin consent" on its API permissions page to create it.',
  },
  app_disabled: {
    ok: false,
    step: 'setup-4',
    transient: false,
    sentence: () =>
      'The app is disabled in this tenant. In Microsoft Entra ID > Enterprise applications, open the app, then Properties, and set "Enabled for users to sign-in?" to Yes.',
  },
  consent_missing: {
    ok: false,
    step: 'setup-12',
    transient: false,
    sentence: () =>
      'The app has no permission granted yet: admin consent is missing. On the API permissions page select "Grant admin consent for <your domain>" and confirm.',
  },
  permission_missing: {
    ok: false,
    step: 'setup-8-11',
    transient: false,
    sentence: (d) => {
      const missing = d.missing ?? [];
      const notes: string[] = [];
      if (missing.includes('Chat.Read.All') && d.granted?.includes('Chat.ReadBasic.All')) {
        notes.push('Chat.ReadBasic.All gives chat names and members only, not the messages.');
      }
      if (missing.includes('User.Read.All')) {
        notes.push(
          "User.Read.All lets ChatVault list your users, whose chats it backs up; the Chat permissions alone do not allow that (ChatVault's guide adds it in step 11).",
        );
      }
      const names = missing.length > 0 ? missing.join(' and ') : 'Chat.Read.All';
      const plural = missing.length > 1 ? 'permissions' : 'permission';
      return [
        `The app lacks the Microsoft Graph application ${plural} ${names}.`,
        ...notes,
        `Add ${missing.length > 1 ? 'them' : 'it'} under API permissions > Microsoft Graph > Application permissions, then select "Grant admin consent".`,
      ].join(' ');
    },
  },
  graph_forbidden: {
    ok: false,
    step: 'setup-12',
    transient: false,
    sentence: (d) =>
      `Microsoft Graph refused to give ChatVault ${d.resource ?? 'the chats'} although the app holds the permissions. Grant admin consent again; if that does not help, a policy in your tenant is blocking the app.`,
  },
  unreachable: {
    ok: false,
    step: null,
    transient: true,
    sentence: (d) =>
      `${d.service === 'graph' ? 'Microsoft Graph' : 'Microsoft Entra ID (sign-in)'} could not be reached or did not answer in time. This says nothing about what you entered; try again in a few minutes.`,
  },
  throttled: {
    ok: false,
    step: null,
    transient: true,
    sentence: (d) =>
      `${d.service === 'entra' ? 'Microsoft Entra ID' : 'Microsoft Graph'} asked ChatVault to slow down (too many requests). Try again ${
        d.retryAfterSeconds !== undefined ? `in ${d.retryAfterSeconds} seconds` : 'in a minute'
      }.`,
  },
  unexpected: {
    ok: false,
    step: null,
    transient: false,
    sentence: (d) => {
      const seen =
        d.entraCode !== undefined
          ? `Microsoft Entra ID answered with error AADSTS${d.entraCode}`
          : d.graphCode !== undefined
            ? `Microsoft Graph answered with error ${d.graphCode}${d.httpStatus !== undefined ? ` (HTTP ${d.httpStatus})` : ''}`
            : `Microsoft answered in a way ChatVault does not recognise${d.httpStatus !== undefined ? ` (HTTP ${d.httpStatus})` : ''}`;
      return `${seen}, which ChatVault cannot explain yet. Microsoft's error lookup (login.microsoftonline.com/error) describes AADSTS codes; send the code to your ChatVault support.`;
    },
  },
};

export interface DescribedOutcome {
  code: OutcomeCode;
  ok: boolean;
  /** The guide step to redo, as an id (`setup-12`); null when there is none. */
  step: GuideStepId | null;
  /** The same step in words, for people. */
  stepTitle: string | null;
  message: string;
}

export function describeOutcome(code: OutcomeCode, details: OutcomeDetails = {}): DescribedOutcome {
  const spec = OUTCOMES[code];
  const stepTitle = spec.step === null ? null : GUIDE_STEPS[spec.step];
  const message =
    spec.step === null ? spec.sentence(details) : `${spec.sentence(details)} (Guide: ${stepTitle}.)`;
  return { code, ok: spec.ok, step: spec.step, stepTitle, message };
}

export function isTransient(code: OutcomeCode): boolean {
  return OUTCOMES[code].transient;
}

export const OUTCOME_CODES = Object.keys(OUTCOMES) as OutcomeCode[];

/** The table as data, for docs and tests. */
export function outcomeTable(): { code: OutcomeCode; step: GuideStepId | null; transient: boolean }[] {
  return OUTCOME_CODES.map((code) => ({
    code,
    step: OUTCOMES[code].step,
    transient: OUTCOMES[code].transient,
  }));
}
