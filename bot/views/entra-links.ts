/**
 * Links into the Microsoft Entra admin center, opened in the tenant the admin acts for (the
 * tenant id in the path picks the directory, so an admin who belongs to several tenants lands in
 * the right one). With the app's id known, the links open that app's own pages.
 */
export interface EntraLinks {
  register: string;
  secrets: string;
  secretTitle: string;
  permissions: string;
  permissionsTitle: string;
}

const ENTRA = 'https://entra.microsoft.com';
const APPS = 'Microsoft_AAD_RegisteredApps';

export function entraLinks(tenantId: string, appId?: string): EntraLinks {
  const base = `${ENTRA}/${encodeURIComponent(tenantId)}/#view/${APPS}`;
  const register = `${base}/CreateApplicationBlade/quickStartType~/null/isMSAApp~/false`;
  if (!appId) {
    const list = `${base}/ApplicationsListBlade`;
    return {
      register,
      secrets: list,
      secretTitle: 'Open App registrations',
      permissions: list,
      permissionsTitle: 'Open App registrations',
    };
  }
  const app = `${base}/ApplicationMenuBlade/~`;
  const id = `appId/${encodeURIComponent(appId)}/isMSAApp~/false`;
  return {
    register,
    secrets: `${app}/Credentials/${id}`,
    secretTitle: 'Open Certificates & secrets',
    permissions: `${app}/CallAnAPI/${id}`,
    permissionsTitle: 'Open API permissions',
  };
}
