import { GraphReadError, type GraphReadFailure } from './tenant-graph-source';

/** What went wrong on the wire, for the message and the run record. */
export interface FailureDetail {
  status?: number;
  graphCode?: string;
  attempts?: number;
}

/**
 * The error a read fails with, its sentence said once per reason: what happened to `what` (e.g.
 * "the chats of user …") and what to do about it.
 */
export function graphReadError(
  reason: GraphReadFailure,
  what: string,
  detail: FailureDetail = {},
): GraphReadError {
  const answer = answerText(detail);
  let message: string;
  switch (reason) {
    case 'not_found':
      message = `Microsoft Graph does not know ${what}${answer}: it was deleted, or the id is wrong.`;
      break;
    case 'forbidden':
      message =
        `Microsoft Graph refused to read ${what}${answer}: the app lacks a permission for it, admin consent ` +
        'was revoked, or the user has no Teams license. Check the API permissions of the app and grant admin consent.';
      break;
    case 'unauthorized':
      message =
        `No access token was had or accepted to read ${what}${answer}: the client secret may have expired or ` +
        'been replaced, or Microsoft Entra ID could not be reached. Test the connection: it tells which.';
      break;
    case 'unlicensed':
      message = `The user of ${what} has no Teams license${answer}: Graph serves no chats for them.`;
      break;
    case 'bad_request':
      message = `Microsoft Graph refused the request for ${what} as malformed${answer}. This is a ChatVault bug: report it.`;
      break;
    case 'unavailable':
      message =
        `Microsoft Graph could not serve ${what}${answer}${detail.attempts ? ` after ${detail.attempts} attempts` : ''}. ` +
        'The service is unavailable or unreachable; the next run reads it again.';
      break;
    case 'cancelled':
      message = `Reading ${what} was cancelled.`;
      break;
    default: {
      const unreachable: never = reason;
      throw new Error(`unknown failure ${String(unreachable)}`);
    }
  }
  return new GraphReadError(reason, message, detail.status, detail.graphCode);
}

function answerText(detail: FailureDetail): string {
  if (detail.status === undefined) return '';
  return ` (HTTP ${detail.status}${detail.graphCode ? ` ${detail.graphCode}` : ''})`;
}
