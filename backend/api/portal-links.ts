/**
 * Links into the Entra admin pages the setup guide walks through (register an app, its secrets,
 * its API permissions). The portal host follows the cloud of the configured authority; any other
 * authority (the tenant simulator) gets the global portal, as its tokens mimic the global cloud.
 */
const PORTAL_BY_AUTHORITY: Record<string, string> = {
  'login.microsoftonline.com': 'https://portal.azure.com',
  'login.microsoftonline.us': 'https://portal.azure.us',
  'login.chinacloudapi.cn': 'https://portal.azure.cn',
};

export interface PortalLinks {
  appRegistrations: string;
  newRegistration: string;
  app?: { overview: string; secrets: string; apiPermissions: string };
}

export function portalLinks(authorityHost: string, appId?: string): PortalLinks {
  const host = new URL(authorityHost).hostname.toLowerCase();
  const portal = PORTAL_BY_AUTHORITY[host] ?? 'https://portal.azure.com';
  const blade = `${portal}/#view/Microsoft_AAD_RegisteredApps`;
  const links: PortalLinks = {
    appRegistrations: `${blade}/ApplicationsListBlade`,
    newRegistration: `${blade}/CreateApplicationBlade/isMSAApp~/false`,
  };
  if (appId) {
    const app = `${blade}/ApplicationMenuBlade/~`;
    const id = encodeURIComponent(appId);
    links.app = {
      overview: `${app}/Overview/appId/${id}`,
      secrets: `${app}/Credentials/appId/${id}`,
      apiPermissions: `${app}/CallAnAPI/appId/${id}`,
    };
  }
  return links;
}
