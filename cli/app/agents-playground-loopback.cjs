'use strict';
// Preloaded (`node --require`) into the Microsoft 365 Agents Playground by agents-playground.ts.
// The Playground (0.2.x) has no host option and calls `server.listen(port)`, which listens on every
// interface: its mock Teams client and mock Bot Connector would be offered to the network, and
// whoever reached them could talk to ChatVault's bot as any user of the configured tenant. Every
// server it starts without naming a host listens on 127.0.0.1 instead.
const net = require('node:net');

const LOOPBACK = '127.0.0.1';

const originalListen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first] = args;
  // listen(port[, backlog][, callback]); a string second argument is a host, kept as given.
  if ((typeof first === 'number' || first === undefined) && typeof args[1] !== 'string') {
    return originalListen.call(this, first ?? 0, LOOPBACK, ...args.slice(1));
  }
  // listen(options[, callback]) without a host, a path or a handle.
  if (
    first !== null &&
    typeof first === 'object' &&
    !first.path &&
    !first.host &&
    !first._handle &&
    !first.fd
  ) {
    return originalListen.call(this, { ...first, host: LOOPBACK }, ...args.slice(1));
  }
  return originalListen.apply(this, args);
};
