/** A person of the tenant's directory, as admins pick them (by UPN or object id). */
export interface DirectoryPerson {
  id: string;
  userPrincipalName: string;
  displayName: string;
  mail?: string;
}

/**
 * Looks people up in a tenant's directory: what the backup discovered, and the live directory
 * through the tenant's saved app for anyone not yet discovered. Used to add admins and to set the
 * backup scope, so that an unknown user is a field-level error instead of a silent no-op.
 */
export interface UserDirectory {
  /** By UPN (case-insensitive) or object id; undefined when the tenant has no such user. */
  find(tenantId: string, upnOrId: string): Promise<DirectoryPerson | undefined>;
  /** Prefix search over display name, UPN and mail, for pickers; at most `limit` people. */
  search(tenantId: string, text: string, limit: number): Promise<DirectoryPerson[]>;
}
