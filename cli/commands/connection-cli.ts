import { userInfo } from 'node:os';
import pino from 'pino';
import type { ConnectionService } from '../../backend/connection/connection-service';
import { bindTenant, TenantBindingError, type TenantBinding } from '../../backend/connection/tenant-binding';
import type { Actor } from '../../backend/store/connection-records';
import { UsageError } from '../usage-error';

/**
 * What the `connect` and `status` commands need from the outside world, so tests hand in their own
 * service, input and output.
 */
export interface ConnectionCliDeps {
  /** Opens the connection service from configuration; `close` releases its database. */
  openService(): Promise<{ service: ConnectionService; close(): Promise<void> }>;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  operator(): Actor;
}

export function defaultConnectionCliDeps(): ConnectionCliDeps {
  return {
    async openService() {
      const { loadConfig } = await import('../../backend/config/config');
      const { createLogger } = await import('../../backend/observability/logger');
      const { createConnectionModule } = await import('../../backend/connection/create-connection-module');
      const config = loadConfig();
      // Logs go to stderr so that stdout carries only the command's answer (one JSON object with --json).
      const logger = createLogger({
        level: config.logLevel,
        destination: pino.destination({ dest: 2, sync: true }),
      });
      const { microsoftEndpoints } = await import('../local-tenant');
      const module = createConnectionModule(config, { logger, endpoints: microsoftEndpoints(config) });
      return { service: module.service, close: () => module.close() };
    },
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    operator() {
      let name = 'operator';
      try {
        name = userInfo().username || name;
      } catch {
        // No passwd entry (some containers): keep the generic name.
      }
      return { kind: 'operator', name };
    },
  };
}

/** The operator names the tenant on the server's command line: that is the binding for the CLI. */
export function operatorTenant(value: string): TenantBinding {
  try {
    return bindTenant(value, 'operator');
  } catch (error) {
    if (error instanceof TenantBindingError) throw new UsageError(`--tenant: ${error.message}`);
    throw error;
  }
}
