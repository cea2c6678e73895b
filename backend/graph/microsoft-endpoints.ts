/**
 * Where Microsoft lives for this installation: both hosts are configuration (national clouds use
 * their own, the tenant simulator its loopback address). From `AppConfig.microsoft`.
 */
export interface MicrosoftEndpoints {
  /** e.g. https://graph.microsoft.com/v1.0 */
  graphBaseUrl: string;
  /** e.g. https://login.microsoftonline.com */
  authorityHost: string;
}

/**
 * The Graph resource each cloud's tokens are issued for [national-cloud-deployments]. A host that
 * is none of them (the tenant simulator, a test double) speaks the global service's protocol, so
 * it gets the global scope.
 */
const CLOUD_GRAPH_HOSTS = new Set([
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'microsoftgraph.chinacloudapi.cn',
]);

export function graphScope(graphBaseUrl: string): string {
  const host = new URL(graphBaseUrl).hostname.toLowerCase();
  return CLOUD_GRAPH_HOSTS.has(host) ? `https://${host}/.default` : 'https://graph.microsoft.com/.default';
}

/**
 * Splits GRAPH_BASE_URL the way @microsoft/microsoft-graph-client wants it: `baseUrl` without the
 * version, the version apart, and the bare host name its `customHosts` check compares against (it
 * drops the port before comparing).
 */
export function splitGraphBaseUrl(graphBaseUrl: string): {
  baseUrl: string;
  version: string;
  hostname: string;
} {
  const url = new URL(graphBaseUrl);
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const version = segments.pop() ?? 'v1.0';
  const prefix = segments.length > 0 ? '/' + segments.join('/') : '';
  return { baseUrl: url.origin + prefix, version, hostname: url.hostname.toLowerCase() };
}
