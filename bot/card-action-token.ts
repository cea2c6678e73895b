import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../backend/connection/clock';

/** Every verb a ChatVault card button may carry (`Action.Execute.verb`). */
export const CARD_VERBS = [
  'connect',
  'connect.save',
  'status',
  'backup.start',
  'backup.cancel',
  'history',
  'schedule',
  'schedule.save',
  'subscribe',
  'admins',
  'admins.add',
  'admins.remove',
  'export.create',
] as const;

export type CardVerb = (typeof CARD_VERBS)[number];

/**
 * Verbs that change something. Each of their buttons works once: a used card is replaced anyway.
 * `export.create` is not one: it only makes a link for whoever presses, whose access is checked
 * on every press, and a form refused for a typo must still work once corrected.
 */
const CHANGING: ReadonlySet<CardVerb> = new Set<CardVerb>([
  'connect.save',
  'backup.start',
  'backup.cancel',
  'schedule.save',
  'subscribe',
  'admins.add',
  'admins.remove',
]);

export function isCardVerb(value: string): value is CardVerb {
  return (CARD_VERBS as readonly string[]).includes(value);
}

export function changesSomething(verb: CardVerb): boolean {
  return CHANGING.has(verb);
}

/** What the bot put behind a button besides its verb: ids the button acts on (a run, an admin). */
export type CardArgs = Readonly<Record<string, string>>;

export interface SignedAction {
  verb: CardVerb;
  args: CardArgs;
  /** Set for a changing verb: what `spend` marks as used. */
  receipt?: { jti: string; expiresAtMs: number };
}

export type ActionRefusal =
  /** No token, or not one of ours (another tenant's card, tampered data, a forged button). */
  | 'forged'
  /** A button whose verb is not the one its token was made for. */
  | 'verb_mismatch'
  /** A card of another conversation. */
  | 'wrong_conversation'
  | 'expired'
  /** A changing button pressed a second time. */
  | 'used';

export type ActionCheck = { ok: true; action: SignedAction } | { ok: false; reason: ActionRefusal };

export interface CardActionTokensOptions {
  /** How long a button that only shows something stays good (default 90 days). */
  viewLifetimeMs?: number;
  /** How long a button that changes something stays good (default 7 days). */
  changeLifetimeMs?: number;
  /** How many used changing buttons are remembered (oldest forgotten first). */
  rememberUsed?: number;
}

const DAY_MS = 86_400_000;
const MAX_TOKEN_LENGTH = 2048;

/**
 * Signs what a card button will do, so that the invoke can be trusted without trusting the card.
 *
 * Each button's data holds one token (a JWT, HS256 via jose) naming its verb, its arguments and a
 * hash of the conversation the card was sent to. The key is derived per tenant (HKDF) from one
 * secret, and the tenant itself is never in the token: a card copied into another tenant's
 * conversation fails its signature there, a changed run id fails it anywhere, and the verb an
 * invoke names must be the token's. Tokens of changing verbs are spent (`spend`, once the press is
 * allowed) and refused after that; what was spent is kept in this process's memory.
 */
export class CardActionTokens {
  private readonly used = new Map<string, number>();
  private readonly viewLifetimeMs: number;
  private readonly changeLifetimeMs: number;
  private readonly rememberUsed: number;

  constructor(
    private readonly secret: Uint8Array,
    private readonly clock: Clock,
    options: CardActionTokensOptions = {},
  ) {
    if (secret.length < 32) throw new Error('The card action secret must be at least 32 bytes.');
    this.viewLifetimeMs = options.viewLifetimeMs ?? 90 * DAY_MS;
    this.changeLifetimeMs = options.changeLifetimeMs ?? 7 * DAY_MS;
    this.rememberUsed = options.rememberUsed ?? 50_000;
  }

  async sign(tenantId: string, conversationId: string, verb: CardVerb, args: CardArgs = {}): Promise<string> {
    const nowS = Math.floor(this.clock.now().getTime() / 1000);
    const lifetimeS = Math.floor(
      (changesSomething(verb) ? this.changeLifetimeMs : this.viewLifetimeMs) / 1000,
    );
    const claims: Record<string, unknown> = { v: verb, c: conversationKey(conversationId) };
    if (Object.keys(args).length > 0) claims.a = args;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(nowS)
      .setExpirationTime(nowS + lifetimeS)
      .setJti(randomBytes(12).toString('base64url'))
      .sign(this.keyFor(tenantId));
  }

  /** Checks a pressed button against the turn it arrived in (it is spent only by `spend`). */
  async verify(tenantId: string, conversationId: string, verb: string, token: unknown): Promise<ActionCheck> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH)
      return { ok: false, reason: 'forged' };
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.keyFor(tenantId), {
        algorithms: ['HS256'],
        currentDate: this.clock.now(),
        clockTolerance: 0,
        requiredClaims: ['exp', 'iat', 'jti'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) return { ok: false, reason: 'expired' };
      return { ok: false, reason: 'forged' };
    }
    const signedVerb = payload.v;
    if (typeof signedVerb !== 'string' || !isCardVerb(signedVerb)) return { ok: false, reason: 'forged' };
    if (signedVerb !== verb) return { ok: false, reason: 'verb_mismatch' };
    if (payload.c !== conversationKey(conversationId)) return { ok: false, reason: 'wrong_conversation' };
    const args = readArgs(payload.a);
    if (!args) return { ok: false, reason: 'forged' };
    if (!changesSomething(signedVerb)) return { ok: true, action: { verb: signedVerb, args } };
    const receipt = { jti: String(payload.jti), expiresAtMs: Number(payload.exp) * 1000 };
    if (this.used.has(receipt.jti)) return { ok: false, reason: 'used' };
    return { ok: true, action: { verb: signedVerb, args, receipt } };
  }

  /**
   * Marks a changing button as used; false when it already was (two presses racing: the first
   * one wins). Buttons that only show something are never spent.
   */
  spend(action: SignedAction): boolean {
    if (!action.receipt) return true;
    const { jti, expiresAtMs } = action.receipt;
    if (this.used.has(jti)) return false;
    const now = this.clock.now().getTime();
    for (const [id, expiry] of this.used) {
      if (expiry > now && this.used.size < this.rememberUsed) break;
      this.used.delete(id);
    }
    this.used.set(jti, expiresAtMs);
    return true;
  }

  private keyFor(tenantId: string): Uint8Array {
    return new Uint8Array(
      hkdfSync('sha256', this.secret, 'chatvault card actions', `tenant:${tenantId.toLowerCase()}`, 32),
    );
  }
}

/**
 * One key per conversation: a channel thread's activities carry `;messageid=…` after the channel's
 * conversation id, and a card posted in the channel is pressed from within its thread.
 */
export function conversationKey(conversationId: string): string {
  const base = conversationId.split(';')[0]!;
  return createHash('sha256').update(base).digest('base64url').slice(0, 22);
}

function readArgs(value: unknown): CardArgs | undefined {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  if (!entries.every(([, v]) => typeof v === 'string')) return undefined;
  return Object.fromEntries(entries) as CardArgs;
}
