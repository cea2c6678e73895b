import { pipeline } from 'node:stream/promises';
import type { RecoveryServices } from '../../recovery/create-recovery-module';
import type { ExportRequest } from '../../recovery/export/export-service';
import { attachmentDisposition, prepareExportLink } from '../../recovery/links/export-links';
import type { RecoveryLinks } from '../../recovery/links/recovery-links';
import { isBackupStoreError } from '../../store/backup-store-error';
import { ApiError, invalidInput } from '../api-error';
import type { HandlerDeps } from '../handler-deps';
import type { ExportBody } from '../recovery-schemas';
import type { RouteHandlers } from '../route-context';

type RecoveryOperation =
  | 'listRecoveryUsers'
  | 'listRecoveryChats'
  | 'getTranscript'
  | 'getRecoveryMessage'
  | 'getRecoveryImage'
  | 'searchMessages'
  | 'createExport'
  | 'downloadExport'
  | 'getRetention'
  | 'setRetention'
  | 'applyRetention'
  | 'eraseUser';

/**
 * Browse, search, export, retention and erasure (docs/recovery.md) for the tab. The services take
 * the tenant and the admin from the verified token (or link) and audit themselves; this layer only
 * maps the API's input onto them.
 */
export function recoveryHandlers(deps: HandlerDeps): Pick<RouteHandlers, RecoveryOperation> {
  const recovery = (): { services: RecoveryServices; links: RecoveryLinks } => {
    if (!deps.recovery || !deps.recoveryLinks) throw recoveryUnavailable();
    return { services: deps.recovery, links: deps.recoveryLinks };
  };
  return {
    async listRecoveryUsers({ principal, actor, query }) {
      const { browse } = recovery().services;
      return withCursor(() => browse.listUsers(actor, principal.tenantId, pageOf(query)));
    },

    async listRecoveryChats({ principal, actor, query }) {
      const { browse } = recovery().services;
      return withCursor(() =>
        browse.listChats(actor, principal.tenantId, {
          ...pageOf(query),
          ...(query.user !== undefined ? { user: query.user } : {}),
        }),
      );
    },

    async getTranscript({ principal, actor, params, query }) {
      const { browse } = recovery().services;
      return browse.transcript(actor, principal.tenantId, params.chatId, definedOnly(query));
    },

    async getRecoveryMessage({ principal, actor, params, query }) {
      const { browse } = recovery().services;
      return browse.message(actor, principal.tenantId, params.chatId, params.messageId, definedOnly(query));
    },

    async getRecoveryImage({ link }) {
      const { browse } = recovery().services;
      const image = await browse.readImage(link.tenantId, link);
      return {
        contentType: servedImageType(image.contentType),
        headers: {
          'X-Content-Type-Options': 'nosniff',
          'Content-Security-Policy': "default-src 'none'",
          'Cache-Control': 'private, max-age=3600',
        },
        write: (out, signal) => pipeline(image.body, out, { signal }),
      };
    },

    async searchMessages({ principal, actor, query }) {
      const { search } = recovery().services;
      return withCursor(() =>
        search.search(actor, principal.tenantId, { ...definedOnly(query), text: query.text }),
      );
    },

    async createExport({ principal, actor, body }) {
      const { services, links } = recovery();
      const link = await prepareExportLink(
        { exports: services.exports, links },
        actor,
        principal.tenantId,
        exportRequestOf(body),
      );
      return {
        url: link.path,
        fileName: link.fileName,
        contentType: link.contentType,
        expiresAt: link.expiresAt,
      };
    },

    async downloadExport({ link }) {
      const { exports } = recovery().services;
      // Refusals (a chat erased since, a person gone) come now, while an error can still be sent.
      const plan = await exports.plan(link.tenantId, link.request);
      return {
        contentType: plan.contentType,
        headers: {
          'Content-Disposition': attachmentDisposition(link.fileName),
          'X-Content-Type-Options': 'nosniff',
        },
        write: async (out, signal) => {
          await exports.exportTo(link.actor, link.tenantId, link.request, out, { signal });
        },
      };
    },

    async getRetention({ principal }) {
      return recovery().services.retention.getPolicy(principal.tenantId);
    },

    async setRetention({ principal, actor, body }) {
      const policy = await recovery().services.retention.setPolicy(actor, principal.tenantId, body.keep);
      return { keep: policy.keep, updatedAt: policy.updatedAt, updatedBy: policy.updatedBy };
    },

    async applyRetention({ principal, actor }) {
      return recovery().services.retention.apply(principal.tenantId, actor);
    },

    async eraseUser({ principal, actor, body }) {
      return recovery().services.erasure.eraseUser(actor, principal.tenantId, body.user);
    },
  };
}

function recoveryUnavailable(): ApiError {
  return new ApiError(
    'unavailable',
    'Browsing and exporting backups is not available on this ChatVault server. Tell the operator.',
  );
}

function pageOf(query: { limit?: number; cursor?: string }): { limit?: number; cursor?: string } {
  return definedOnly({ limit: query.limit, cursor: query.cursor });
}

/** The store refuses a cursor it did not hand out; so does the API, naming it. */
async function withCursor<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isBackupStoreError(error, 'invalid_argument')) {
      throw invalidInput('cursor', 'The cursor is not one this API handed out. Start again without it.');
    }
    throw error;
  }
}

function exportRequestOf(body: ExportBody): ExportRequest {
  return definedOnly({
    scope: body.scope,
    format: body.format,
    at: body.at,
    from: body.from,
    to: body.to,
    zip: body.zip,
  }) as ExportRequest;
}

/**
 * Images are served as what they are only when that is a raster image type: anything else a
 * message's hosted content claimed to be (HTML, SVG with scripts) goes out as opaque bytes, so a
 * link opened directly renders nothing of it.
 */
function servedImageType(contentType: string): string {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return /^image\/[a-z0-9.+-]+$/.test(type) && !type.includes('svg') ? type : 'application/octet-stream';
}

/** The object without its undefined properties (the services' options are exact optional types). */
function definedOnly<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
