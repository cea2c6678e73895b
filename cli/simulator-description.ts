import type { SimulatorHandle } from '../simulator/server';

/** What a person needs to use a running simulator: its URLs, tenants and demo apps with secrets. */
export function describeSimulator(sim: SimulatorHandle, throttled: boolean): string {
  const lines = [
    '',
    'ChatVault tenant simulator',
    `  Graph:           ${sim.graphBaseUrl}`,
    `  Authority host:  ${sim.authorityHost}`,
    `  Control API:     ${sim.authorityHost}/_sim/tenants`,
    `  Throttling:      ${throttled ? "on (Graph's documented limits)" : 'off'}`,
    `  Described in:    ${sim.infoFile}`,
    '',
    'Trust its certificate in every Node process that talks to it:',
    `  export NODE_EXTRA_CA_CERTS=${sim.caFile}`,
    '',
  ];
  for (const tenant of sim.tenants) {
    const stats = sim.state.stats(tenant.id);
    lines.push(
      `Tenant ${tenant.displayName}: ${tenant.domain} (${tenant.id})`,
      `  ${stats.users} users, ${stats.chats.total} chats, ${stats.messages.toLocaleString('en-US')} messages`,
      '  Demo apps (scenario, application ID, secret):',
    );
    const width = Math.max(...tenant.apps.map((app) => app.scenario.length));
    for (const app of tenant.apps)
      lines.push(`    ${app.scenario.padEnd(width)}  ${app.appId}  ${app.secret}`);
    lines.push('');
  }
  lines.push('Press Ctrl+C to stop.', '');
  return lines.join('\n');
}
