'use strict';
// Azurite's Blob service in a process of its own, for test/support/azurite.ts. Kept out of the
// test process because restify, once any test loads it, patches Node's http prototypes, and
// Azurite's server then answers wrongly.
//
// argv: <data dir>. Reports `{ address }` over IPC once listening; stops on the message 'close'.

const { join } = require('node:path');
// Azurite ships no type declarations and its package entry point loads the VS Code extension, so
// the blob server is reached by its module path (the package declares no `exports` map).
const BlobServer = require('azurite/dist/src/blob/BlobServer').default;
const BlobConfiguration = require('azurite/dist/src/blob/BlobConfiguration').default;

async function main() {
  const dataDir = process.argv[2];
  const configuration = new BlobConfiguration(
    '127.0.0.1',
    0,
    5,
    join(dataDir, 'blob-metadata.json'),
    join(dataDir, 'blob-extents.json'),
    [{ locationId: 'Default', locationPath: join(dataDir, 'extents'), maxConcurrency: 10 }],
    false,
    undefined,
    false,
    undefined,
    // Strict mode (`loose` off): Azurite rejects headers and parameters it does not support
    // instead of ignoring them, so a request the real service would treat differently fails.
    false,
    // The installed @azure/storage-blob speaks a newer service API version than this Azurite knows
    // and Azurite refuses unknown versions by default; the operations used here predate both.
    true,
  );
  const server = new BlobServer(configuration);
  await server.start();
  process.on('message', async (message) => {
    if (message !== 'close') return;
    // Azurite's close() does not wait for the port, and idle keep-alive sockets would hold it.
    const http = server.httpServer;
    const closed = http.listening ? new Promise((resolve) => http.once('close', resolve)) : Promise.resolve();
    await server.close();
    http.closeAllConnections();
    await closed;
    await server.clean();
    process.disconnect();
  });
  process.send({ address: server.getHttpServerAddress() });
}

// The test process died without closing: do not outlive it.
process.on('disconnect', () => process.exit(0));

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
