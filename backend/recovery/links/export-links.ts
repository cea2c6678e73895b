import type { ExportRequest, ExportService } from '../export/export-service';
import { downloadLinkPath, type RecoveryLinks, type UserActor } from './recovery-links';

/** A prepared export: where to download it (for 15 minutes) and what it will be. */
export interface ExportLink {
  /** Relative to the server's origin: `/api/v1/recovery/downloads?t=<token>`. */
  path: string;
  fileName: string;
  contentType: string;
  /** ISO 8601. */
  expiresAt: string;
}

/**
 * Checks an export request now (a `RecoveryError`: unknown chat or person, a moment that does not
 * parse) and signs the link that will stream it. Nothing is exported, and nothing audited, until
 * the link is opened: the download is the export, audited as `exported` by `actor`.
 */
export async function prepareExportLink(
  parts: { exports: Pick<ExportService, 'plan'>; links: RecoveryLinks },
  actor: UserActor,
  tenantId: string,
  request: ExportRequest,
): Promise<ExportLink> {
  const plan = await parts.exports.plan(tenantId, request);
  const signed = await parts.links.downloadToken({ tenantId, actor, request, fileName: plan.fileName });
  return {
    path: downloadLinkPath(signed.token),
    fileName: plan.fileName,
    contentType: plan.contentType,
    expiresAt: signed.expiresAt,
  };
}

/**
 * `Content-Disposition: attachment` for a file name: an ASCII `filename` any browser reads and, when
 * the name holds more than that, the exact name as `filename*` (RFC 6266, RFC 8187). Quotes,
 * backslashes, control characters and path separators never reach the header.
 */
export function attachmentDisposition(fileName: string): string {
  const cleaned = withoutUnsafe(fileName).trim() || 'export';
  const ascii = cleaned.replace(/[^\x20-\x7e]+/g, '_');
  if (ascii === cleaned) return `attachment; filename="${ascii}"`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc8187(cleaned)}`;
}

/** Each run of control characters, quotes, backslashes and slashes becomes one `_`. */
function withoutUnsafe(name: string): string {
  let out = '';
  let replacing = false;
  for (const c of name) {
    const unsafe = c.charCodeAt(0) < 0x20 || c === '\u007f' || c === '"' || c === '\\' || c === '/';
    if (unsafe && !replacing) out += '_';
    else if (!unsafe) out += c;
    replacing = unsafe;
  }
  return out;
}

function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
