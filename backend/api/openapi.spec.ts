import assert from 'node:assert/strict';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Server } from 'restify';
import { silentLogger } from '../observability/logger';
import { API_ROUTES } from './api-routes';
import { createTabApiMount, type TabApiDeps } from './create-tab-api-mount';
import type { DemoSignIn } from './demo-sign-in';
import { openApiDocument } from './openapi';

type Json = Record<string, unknown>;
const HTTP_METHODS = ['get', 'post', 'put', 'delete', 'patch'];

/**
 * The API's routes as the mount registers them: `METHOD /path/{param}`. A recording stand-in for
 * the restify server (restify itself, once loaded, patches Node's http prototypes for the whole
 * test process).
 */
function mountedRoutes(withDemo: boolean): string[] {
  const routes: string[] = [];
  const record = (method: string) => (path: string) => {
    routes.push(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
  };
  const server = {
    get: record('GET'),
    post: record('POST'),
    put: record('PUT'),
    del: record('DELETE'),
    on: () => undefined,
  };
  const demoSignIn: DemoSignIn = { users: async () => [], issueToken: async () => 'unused' };
  // Mounting only registers routes: no dependency is called, so none needs to be real.
  const deps = { logger: silentLogger(), ...(withDemo ? { demoSignIn } : {}) } as unknown as TabApiDeps;
  createTabApiMount(deps)(server as unknown as Server);
  return routes.sort();
}

function documentedRoutes(document: Json): string[] {
  const paths = document.paths as Record<string, Json>;
  return Object.entries(paths)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((k) => HTTP_METHODS.includes(k))
        .map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}

/** Every schema the document embeds, with where it sits. */
function embeddedSchemas(document: Json): { where: string; schema: unknown }[] {
  const found: { where: string; schema: unknown }[] = [];
  for (const [path, item] of Object.entries(document.paths as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item) as [string, Json][]) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const p of (op.parameters ?? []) as Json[])
        found.push({ where: `${where} ${String(p.name)}`, schema: p.schema });
      const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
      if (body) found.push({ where: `${where} body`, schema: body['application/json']!.schema });
      for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
        const content = (response.content ?? {}) as Record<string, Json>;
        const types = Object.keys(content);
        if (types.length === 0) found.push({ where: `${where} ${status}`, schema: undefined });
        for (const type of types)
          found.push({ where: `${where} ${status} ${type}`, schema: content[type]!.schema });
      }
    }
  }
  return found;
}

describe('the OpenAPI document of the tab API', function () {
  this.timeout(30_000);
  const document = openApiDocument();

  it('describes every mounted route, and no route that is not mounted', () => {
    assert.deepEqual(documentedRoutes(document), mountedRoutes(true));
    assert.deepEqual(documentedRoutes(openApiDocument({ includeDemo: false })), mountedRoutes(false));
    assert.ok(!mountedRoutes(false).includes('POST /api/v1/demo/token'), 'no demo route on a real tenant');
    assert.equal(Object.keys(API_ROUTES).length, mountedRoutes(true).length);
  });

  it('is OpenAPI 3.1 with a unique operationId, declared path parameters and its error codes for each operation', () => {
    assert.equal(document.openapi, '3.1.0');
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(document.paths as Record<string, Json>)) {
      for (const [method, op] of Object.entries(item) as [string, Json][]) {
        const id = op.operationId as string;
        assert.ok(id && !ids.has(id), `${method} ${path}: operationId ${id}`);
        ids.add(id);
        const declared = ((op.parameters ?? []) as Json[]).filter((p) => p.in === 'path').map((p) => p.name);
        assert.deepEqual(
          declared,
          [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
          `${method} ${path}`,
        );
        const statuses = Object.keys(op.responses as Json);
        assert.ok(
          statuses.some((s) => s.startsWith('2')),
          `${method} ${path} has a success response`,
        );
        assert.ok(statuses.includes('500'));
        if (op['x-access'] !== 'public') {
          assert.ok(statuses.includes('401') && statuses.includes('429'), `${method} ${path}`);
          assert.deepEqual(op.security, [
            op['x-access'] === 'link' ? { recoveryLink: [] } : { teamsSso: [] },
          ]);
        }
        if (op['x-access'] === 'admin') assert.ok(statuses.includes('403'), `${method} ${path}`);
        if (op.requestBody || op.parameters) assert.ok(statuses.includes('400'), `${method} ${path}`);
      }
    }
  });

  it('embeds only valid JSON Schema 2020-12, and every reference resolves', () => {
    const components = (document.components as Json).schemas as Record<string, unknown>;
    // The document's references point into components/schemas; as one standalone schema they are $defs.
    const asDefs = (value: unknown): unknown =>
      JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', '"urn:chatvault:api#/$defs/'));
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'urn:chatvault:api', $defs: asDefs(components) as Json });
    for (const id of Object.keys(components)) {
      assert.doesNotThrow(() => ajv.compile({ $ref: `urn:chatvault:api#/$defs/${id}` }), `component ${id}`);
    }
    const embedded = embeddedSchemas(document);
    assert.ok(embedded.length > 60);
    for (const { where, schema } of embedded) {
      assert.ok(schema && typeof schema === 'object', `${where} has a schema`);
      assert.doesNotThrow(() => ajv.compile(asDefs(schema) as Json), where);
    }
  });

  it('describes the recovery routes, their signed links and their binary answers as such', () => {
    const paths = document.paths as Record<string, Record<string, Json>>;
    const recovery = Object.entries(paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, op]) => (op.tags as string[]).includes('recovery'))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    assert.equal(recovery.length, 12, recovery.join('\n'));
    const image = paths['/api/v1/recovery/chats/{chatId}/messages/{messageId}/images/{sha256}']!.get!;
    assert.equal(image['x-access'], 'link');
    const imageOk = (image.responses as Record<string, Json>)['200']!;
    assert.deepEqual((imageOk.content as Record<string, Json>)['image/*'], {
      schema: { type: 'string', format: 'binary' },
    });
    assert.ok('Content-Security-Policy' in (imageOk.headers as Json));
    assert.ok(
      ((image.parameters ?? []) as Json[]).some((p) => p.name === 't' && p.in === 'query' && p.required),
    );
    const download = paths['/api/v1/recovery/downloads']!.get!;
    const downloadOk = (download.responses as Record<string, Json>)['200']!;
    assert.ok('application/zip' in (downloadOk.content as Json));
    assert.ok('403' in (download.responses as Json), 'a download re-checks that its admin still is one');
    const schemes = (document.components as Json).securitySchemes as Record<string, Json>;
    assert.deepEqual(
      [schemes.recoveryLink!.type, schemes.recoveryLink!.in, schemes.recoveryLink!.name],
      ['apiKey', 'query', 't'],
    );
    const conflict = (paths['/api/v1/recovery/retention/apply']!.post!.responses as Json)['409'];
    assert.ok(conflict, 'retention answers 409 while a backup runs');
  });

  it('means what the server checks: the JSON Schema of a body refuses what the server refuses', () => {
    const components = (document.components as Json).schemas as Record<string, Json>;
    const ajv = new Ajv2020({ strict: true });
    addFormats(ajv);
    const connect = ajv.compile(components.ConnectInput!);
    assert.equal(connect({ appId: 'a', secret: 'b' }), true);
    assert.equal(connect({ appId: 'a' }), false);
    assert.equal(connect({ appId: 'a', secret: 'b', tenantId: 'c' }), false);
    const schedule = ajv.compile(components.ScheduleChange!);
    assert.equal(schedule({ incrementalEveryMinutes: 30 }), true);
    assert.equal(schedule({ incrementalEveryMinutes: 4 }), false);
    assert.equal(schedule({}), false);
  });
});
