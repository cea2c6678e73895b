'use strict';
// Preloaded (`node --require`) into the Agents Playground process by start-playground.ts. Tests may
// send traffic only to loopback, and the Playground bundles Application Insights, MSAL and a JWKS
// client that know Microsoft hosts: an outgoing TCP connection to anything but loopback is refused
// before any DNS look-up, and reported on stderr so the harness can show it. (That its servers
// listen on loopback only is the product launcher's own preload.)
const net = require('node:net');

const MARKER = '[loopback-guard]';

function isLoopbackHost(host) {
  // No host means Node's default, localhost.
  if (host === undefined || host === null || host === '') return true;
  const h = String(host)
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || h === '::ffff:127.0.0.1' || /^127(\.\d{1,3}){3}$/.test(h);
}

// net.Socket#connect accepts (options[, cb]), (port[, host][, cb]), (path[, cb]) and, from net.connect,
// the already normalised [options, cb] array.
function connectTarget(args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first !== null && typeof first === 'object') return first;
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
  }
  return { path: first };
}

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const target = connectTarget(args);
  // A host means TCP (http's agent also passes the request's `path`, so `path` alone says nothing);
  // no host means localhost or a local socket.
  if (target.host !== undefined && !isLoopbackHost(target.host)) {
    const where = `${target.host}:${target.port}`;
    process.stderr.write(`${MARKER} refused ${where}\n`);
    const error = Object.assign(new Error(`connection to ${where} refused: tests stay on loopback`), {
      code: 'ECONNREFUSED',
    });
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return originalConnect.apply(this, args);
};
