import type { ConnectionReport } from '../../backend/connection/connection-service';
import { UsageError } from '../usage-error';
import { defaultConnectionCliDeps, operatorTenant, type ConnectionCliDeps } from './connection-cli';
import type { RegisterCommand } from './index';

/** Exit code when the test ran and failed (documented in --help). */
export const EXIT_TEST_FAILED = 3;

/** The longest input read from stdin; a secret is 40 characters, this leaves room for mistakes to be named. */
const MAX_STDIN_BYTES = 64 * 1024;

/**
 * `chatvault connect --tenant <id> --app-id <guid> --secret-stdin [--expires <date>] [--json]`:
 * Test & Save Connection from the server's command line. The secret is read from standard input
 * only: an argument would show in process lists and shell history.
 */
export function registerConnectCommand(deps: ConnectionCliDeps): RegisterCommand {
  return (program, setExitCode) => {
    program
      .command('connect')
      .description(
        "test a tenant's app registration and save it when the test passes (Test & Save Connection)",
      )
      .requiredOption('--tenant <id>', 'the tenant (Directory) ID the connection is for')
      .requiredOption('--app-id <guid>', 'the Application (client) ID of the app registered in that tenant')
      .option('--secret-stdin', 'read the App Secret Code (the client secret Value) from standard input')
      .option(
        '--expires <date>',
        "the secret's expiry as Entra shows it (YYYY-MM-DD); default 24 months from now",
      )
      .option('--json', 'print one JSON object {ok, code, step, message, permissions}')
      .addHelpText(
        'after',
        '\nExit codes: 0 connected (Active), 3 the test failed (nothing saved), 2 bad usage, 1 any other error.',
      )
      .action(
        async (options: {
          tenant: string;
          appId: string;
          secretStdin?: boolean;
          expires?: string;
          json?: boolean;
        }) => {
          const tenant = operatorTenant(options.tenant);
          if (!options.secretStdin) {
            throw new UsageError(
              'pass the secret on standard input with --secret-stdin (never as an argument: arguments show in process lists and shell history)',
            );
          }
          if (deps.stdin.isTTY)
            deps.stderr.write('Paste the App Secret Code (the Value), then press Enter and Ctrl-D:\n');
          const secret = await readSecret(deps.stdin);
          const { service, close } = await deps.openService();
          let report: ConnectionReport;
          try {
            report = await service.testAndSave(
              tenant,
              {
                appId: options.appId,
                secret,
                ...(options.expires !== undefined ? { secretExpiresAt: options.expires } : {}),
              },
              deps.operator(),
            );
          } finally {
            await close();
          }
          deps.stdout.write(options.json ? JSON.stringify(jsonResult(report)) + '\n' : textResult(report));
          setExitCode(report.ok ? 0 : EXIT_TEST_FAILED);
        },
      );
  };
}

export const registerConnect: RegisterCommand = (program, setExitCode) =>
  registerConnectCommand(defaultConnectionCliDeps())(program, setExitCode);

/** The --json shape: stable keys for scripts. */
export function jsonResult(report: ConnectionReport) {
  return {
    ok: report.ok,
    code: report.code,
    step: report.step,
    message: report.message,
    permissions: report.permissions,
  };
}

function textResult(report: ConnectionReport): string {
  const lines = report.ok
    ? [`Active: ${report.message}`, `Permissions: ${report.permissions.join(', ')}`]
    : [`Not saved (${report.code}): ${report.message}`];
  for (const field of report.fields.slice(1)) lines.push(`Also (${field.field}): ${field.message}`);
  return lines.join('\n') + '\n';
}

/** All of stdin, with the line ending a shell or `echo` adds taken off. */
async function readSecret(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += bytes.length;
    if (size > MAX_STDIN_BYTES)
      throw new UsageError('--secret-stdin: standard input is far longer than a client secret');
    chunks.push(bytes);
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
