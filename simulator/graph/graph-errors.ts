import { GraphHttpError } from '../graph-error';

/**
 * The errors the Graph routes answer, with the codes Graph uses. Teams endpoints answer `BadRequest`
 * / `NotFound` / `Forbidden`; the directory (`/users`) answers with its own `Request_*` codes.
 */

export function badRequest(message: string): GraphHttpError {
  return new GraphHttpError(400, 'BadRequest', message);
}

export function notFound(message: string): GraphHttpError {
  return new GraphHttpError(404, 'NotFound', message);
}

export function forbidden(message: string): GraphHttpError {
  return new GraphHttpError(403, 'Forbidden', message);
}

export function directoryBadRequest(message: string): GraphHttpError {
  return new GraphHttpError(400, 'Request_BadRequest', message);
}

export function directoryUnsupportedQuery(message: string): GraphHttpError {
  return new GraphHttpError(400, 'Request_UnsupportedQuery', message);
}

export function directoryNotFound(id: string): GraphHttpError {
  return new GraphHttpError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

/** How one family of endpoints words its query errors (Teams and the directory differ). */
export interface QueryErrors {
  malformed(message: string): GraphHttpError;
  unsupported(message: string): GraphHttpError;
}

export const teamsQueryErrors: QueryErrors = { malformed: badRequest, unsupported: badRequest };

export const directoryQueryErrors: QueryErrors = {
  malformed: directoryBadRequest,
  unsupported: directoryUnsupportedQuery,
};
