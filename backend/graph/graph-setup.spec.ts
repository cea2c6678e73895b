import assert from 'node:assert/strict';
import { clientSecretCredentialOptions } from './client-secret-credential';
import { graphScope, splitGraphBaseUrl } from './microsoft-endpoints';

describe('graph setup', () => {
  it('builds credentials for the configured authority, without instance discovery or a persistent cache', () => {
    const options = clientSecretCredentialOptions({
      tenantId: 't',
      appId: 'a',
      secret: 's',
      authorityHost: 'https://login.microsoftonline.us',
      maxRetries: 0,
    });
    assert.equal(options.authorityHost, 'https://login.microsoftonline.us');
    assert.equal(options.disableInstanceDiscovery, true);
    assert.equal(options.tokenCachePersistenceOptions, undefined);
    assert.deepEqual(options.retryOptions, { maxRetries: 0 });
  });

  it("splits GRAPH_BASE_URL into the Graph client's base, version and custom host", () => {
    assert.deepEqual(splitGraphBaseUrl('https://127.0.0.1:8443/v1.0'), {
      baseUrl: 'https://127.0.0.1:8443',
      version: 'v1.0',
      hostname: '127.0.0.1',
    });
    assert.deepEqual(splitGraphBaseUrl('https://proxy.example/graph/beta/'), {
      baseUrl: 'https://proxy.example/graph',
      version: 'beta',
      hostname: 'proxy.example',
    });
  });

  it("asks for each cloud's own Graph resource, and the global one for any other host", () => {
    assert.equal(graphScope('https://graph.microsoft.com/v1.0'), 'https://graph.microsoft.com/.default');
    assert.equal(graphScope('https://graph.microsoft.us/v1.0'), 'https://graph.microsoft.us/.default');
    assert.equal(
      graphScope('https://microsoftgraph.chinacloudapi.cn/v1.0'),
      'https://microsoftgraph.chinacloudapi.cn/.default',
    );
    assert.equal(graphScope('https://127.0.0.1:8443/v1.0'), 'https://graph.microsoft.com/.default');
  });
});
