import { EncryptJWT, errors as joseErrors, jwtDecrypt } from 'jose';
import { z } from 'zod';
import { systemClock, type Clock } from '../../connection/clock';
import type { Actor } from '../../store/connection-records';
import type { ImageLocation } from '../browse-service';
import type { ExportRequest } from '../export/export-service';

/**
 * Short-lived signed links to what a browser fetches without our Authorization header: an `<img>`
 * of a transcript (it cannot send a bearer token) and an export download (opened in a browser tab
 * or from a bot card). The link's `t` query parameter is the credential: a JWT naming the tenant,
 * the admin it was made for and exactly what it opens, so a token for one image opens no other and
 * one tenant's token opens nothing of another's. It is encrypted, not only signed (JWE, `dir` +
 * A256GCM, jose): a link lands in browser history, tooltips and proxies, and must not show there
 * whose data it opens or who asked for it; GCM's tag makes a tampered token undecryptable. The key is derived from the sealing
 * key (`deriveKey(config.sealing, 'recovery-links')`), so every process sharing it accepts the links
 * of the others and a restart does not break the page that is open.
 */

export const IMAGE_LINK_SECONDS = 60 * 60;
export const DOWNLOAD_LINK_SECONDS = 15 * 60;

export type LinkKind = 'image' | 'download';

export type UserActor = Extract<Actor, { kind: 'user' }>;

export interface ImageLink extends ImageLocation {
  tenantId: string;
  /** The admin whose transcript page showed the image. */
  actor: Actor;
}

export interface DownloadLink {
  tenantId: string;
  /** The admin who asked for the export: still an admin at download time, or refused. */
  actor: UserActor;
  request: ExportRequest;
  /** The name the export was announced under (its plan when the link was made). */
  fileName: string;
}

export interface SignedLink {
  token: string;
  /** ISO 8601. */
  expiresAt: string;
}

export type LinkRefusal =
  /** No `t` at all. */
  | 'missing'
  /** Not one of our tokens: forged, tampered, of the other kind, or malformed. */
  | 'invalid'
  | 'expired'
  /** A good token for something else than the route names (another image, chat or message). */
  | 'mismatch';

export class RecoveryLinkError extends Error {
  constructor(readonly refusal: LinkRefusal) {
    super(REFUSAL_MESSAGES[refusal]);
    this.name = 'RecoveryLinkError';
  }
}

const REFUSAL_MESSAGES: Record<LinkRefusal, string> = {
  missing: 'This link carries no access token: open it again from ChatVault.',
  invalid: 'This link is not valid: open it again from ChatVault.',
  expired: 'This link has expired: open it again from ChatVault.',
  mismatch: 'This link does not open that item.',
};

const ISSUER = 'chatvault';
const MAX_TOKEN_LENGTH = 4096;

const actorClaim = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), id: z.string(), name: z.string().optional() }),
  z.object({ kind: z.literal('operator'), name: z.string() }),
  z.object({ kind: z.literal('system'), name: z.string() }),
]);

const imageClaims = z.object({
  tid: z.string(),
  act: actorClaim,
  chat: z.string(),
  msg: z.string(),
  img: z.string(),
});

const exportScopeClaim = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('chat'), chatId: z.string() }),
  z.object({ kind: z.literal('user'), user: z.string() }),
  z.object({ kind: z.literal('all') }),
]);

const downloadClaims = z.object({
  tid: z.string(),
  act: z.object({ kind: z.literal('user'), id: z.string(), name: z.string().optional() }),
  req: z.object({
    scope: exportScopeClaim,
    format: z.enum(['html', 'json']),
    at: z.string().optional(),
    from: z.string().optional(),
    to: z.string().optional(),
    zip: z.boolean().optional(),
  }),
  file: z.string(),
});

/** Issues and checks the links; one instance per process, over the derived key. */
export class RecoveryLinks {
  private readonly clock: Pick<Clock, 'now'>;

  private readonly key: Uint8Array;

  constructor(key: Uint8Array, options: { clock?: Pick<Clock, 'now'> } = {}) {
    if (key.length < 32) throw new Error('The recovery link key must be at least 32 bytes.');
    // A256GCM with `dir` takes exactly 256 bits.
    this.key = key.subarray(0, 32);
    this.clock = options.clock ?? systemClock;
  }

  imageToken(link: ImageLink): Promise<SignedLink> {
    const claims: z.input<typeof imageClaims> = {
      tid: link.tenantId,
      act: actorOf(link.actor),
      chat: link.chatId,
      msg: link.messageId,
      img: link.sha256,
    };
    return this.sign('image', claims, IMAGE_LINK_SECONDS);
  }

  downloadToken(link: DownloadLink): Promise<SignedLink> {
    const claims: z.input<typeof downloadClaims> = {
      tid: link.tenantId,
      act: actorOf(link.actor) as UserActor,
      req: requestOf(link.request),
      file: link.fileName,
    };
    return this.sign('download', claims, DOWNLOAD_LINK_SECONDS);
  }

  /** The image link `token` grants, if it is ours, current, and for exactly `location`. */
  async verifyImage(token: unknown, location: ImageLocation): Promise<ImageLink> {
    const claims = imageClaims.safeParse(await this.verify('image', token));
    if (!claims.success) throw new RecoveryLinkError('invalid');
    const { tid, act, chat, msg, img } = claims.data;
    if (chat !== location.chatId || msg !== location.messageId || img !== location.sha256) {
      throw new RecoveryLinkError('mismatch');
    }
    return { tenantId: tid, actor: act, chatId: chat, messageId: msg, sha256: img };
  }

  async verifyDownload(token: unknown): Promise<DownloadLink> {
    const claims = downloadClaims.safeParse(await this.verify('download', token));
    if (!claims.success) throw new RecoveryLinkError('invalid');
    const { tid, act, req, file } = claims.data;
    return { tenantId: tid, actor: act, request: requestOf(req), fileName: file };
  }

  private async sign(kind: LinkKind, claims: Record<string, unknown>, seconds: number): Promise<SignedLink> {
    const nowS = Math.floor(this.clock.now().getTime() / 1000);
    const token = await new EncryptJWT(claims)
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(audienceOf(kind))
      .setIssuedAt(nowS)
      .setExpirationTime(nowS + seconds)
      .encrypt(this.key);
    return { token, expiresAt: new Date((nowS + seconds) * 1000).toISOString() };
  }

  private async verify(kind: LinkKind, token: unknown): Promise<Record<string, unknown>> {
    if (token === undefined || token === '') throw new RecoveryLinkError('missing');
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw new RecoveryLinkError('invalid');
    try {
      const { payload } = await jwtDecrypt(token, this.key, {
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
        issuer: ISSUER,
        // The other kind's token fails here: a download token opens no image and the reverse.
        audience: audienceOf(kind),
        currentDate: this.clock.now(),
        clockTolerance: 0,
        requiredClaims: ['exp', 'iat'],
      });
      return payload;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new RecoveryLinkError('expired');
      throw new RecoveryLinkError('invalid');
    }
  }
}

export function isRecoveryLinkError(error: unknown): error is RecoveryLinkError {
  return error instanceof RecoveryLinkError;
}

/** Where a transcript image is served (the tab API's LINK route), with its token. */
export function imageLinkPath(location: ImageLocation, token: string): string {
  return (
    `/api/v1/recovery/chats/${encodeURIComponent(location.chatId)}/messages/` +
    `${encodeURIComponent(location.messageId)}/images/${encodeURIComponent(location.sha256)}?t=${token}`
  );
}

/** Where an export is downloaded (the tab API's LINK route), relative to the server's origin. */
export function downloadLinkPath(token: string): string {
  return `/api/v1/recovery/downloads?t=${token}`;
}

/**
 * `BrowseService`'s `imageUrl`: every image of a transcript page becomes a signed link for the
 * admin who asked for the page. A compact JWE is base64url with dots: nothing in it needs escaping
 * in a URL or an HTML attribute.
 */
export function signedImageUrls(
  links: RecoveryLinks,
): (image: ImageLocation, viewer: { tenantId: string; actor: Actor }) => Promise<string> {
  return async (image, viewer) => {
    const { token } = await links.imageToken({ ...image, tenantId: viewer.tenantId, actor: viewer.actor });
    return imageLinkPath(image, token);
  };
}

function audienceOf(kind: LinkKind): string {
  return `chatvault:recovery-${kind}`;
}

/** Only the fields an actor has: a token carries nothing else a caller's object held. */
function actorOf(actor: Actor): Actor {
  switch (actor.kind) {
    case 'user':
      return { kind: 'user', id: actor.id, ...(actor.name !== undefined ? { name: actor.name } : {}) };
    case 'operator':
    case 'system':
      return { kind: actor.kind, name: actor.name };
    default: {
      const unreachable: never = actor;
      throw new Error(`unknown actor ${JSON.stringify(unreachable)}`);
    }
  }
}

function requestOf(request: ExportRequest): ExportRequest {
  const scope = request.scope;
  return {
    scope:
      scope.kind === 'chat'
        ? { kind: 'chat', chatId: scope.chatId }
        : scope.kind === 'user'
          ? { kind: 'user', user: scope.user }
          : { kind: 'all' },
    format: request.format,
    ...(request.at !== undefined ? { at: request.at } : {}),
    ...(request.from !== undefined ? { from: request.from } : {}),
    ...(request.to !== undefined ? { to: request.to } : {}),
    ...(request.zip !== undefined ? { zip: request.zip } : {}),
  };
}
