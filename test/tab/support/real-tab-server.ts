import { simulatorDemoSignIn } from '../../../backend/api/demo-sign-in';
import { SsoTokenVerifier } from '../../../backend/api/sso-token-verifier';
import { LOCAL_TAB_AUDIENCE } from '../../../backend/config/config';
import { createTabStaticMount } from '../../../backend/server/tab-static-mount';
import { addPerson, startTabApi, type HookGate } from '../../api/support/tab-api-harness';
import { startTestSimulator, type SimulatorHandle } from '../../support/simulator';
import { builtTab } from './browser';
import type { TabTestServer } from './tab-servers';

export interface RealTabServer extends TabTestServer {
  sim: SimulatorHandle;
  /**
   * Closed (`holdRuns`), it holds every backup worker as it reads its first page of messages, before
   * storing it: the run stays in progress, with its people already found, until `releaseRuns`.
   */
  gate: HookGate;
}

/**
 * The product's own services (connection, backup, governance, notifications) on one in-memory
 * SQLite database, against the tenant simulator's small test tenants; the real tab API and the tab's
 * static mount on one loopback server, with the local demo's sign-in, so that the browser signs in
 * with simulator-issued SSO tokens checked by the real verifier.
 */
export async function startRealTabServer(): Promise<RealTabServer> {
  const root = await builtTab();
  const sim = await startTestSimulator();
  const closers: (() => unknown)[] = [() => sim.close()];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    const contoso = sim.tenants[0]!.id;
    const admin = await addPerson(sim, contoso, 'Ada Admin', 'ada.admin');
    const member = await addPerson(sim, contoso, 'Bob Member', 'bob.member');
    const api = await startTabApi(sim, {
      verifier: new SsoTokenVerifier({ authorityHost: sim.authorityHost, audiences: [LOCAL_TAB_AUDIENCE] }),
      demoSignIn: simulatorDemoSignIn({
        authorityHost: sim.authorityHost,
        audience: LOCAL_TAB_AUDIENCE,
        users: [admin, member].map((p) => ({ upn: p.upn, displayName: p.displayName, tenantId: p.tenantId })),
      }),
      gateAt: 'page-read',
      // Progress is written often enough for the page's polls.
      progressEveryMs: 500,
      extraMounts: [createTabStaticMount({ root })],
    });
    closers.push(() => api.close());
    const { gate } = api;
    // The coordinator reads the run's record on each progress tick and, when it carries a cancel
    // request, stops the run's workers right after announcing that record.
    const cancelNoticed = new Set<string>();
    closers.push(
      api.backup.onProgress((event) => {
        if (event.type === 'progress' && event.run.cancelRequestedAt) cancelNoticed.add(event.run.runId);
      }),
    );

    const ok = sim.demoApp('ok', contoso);
    const consentMissing = sim.demoApp('consent_missing', contoso);
    return {
      url: api.url,
      adminName: admin.displayName,
      adminUpn: admin.upn,
      memberName: member.displayName,
      memberUpn: member.upn,
      apps: {
        ok: { appId: ok.appId, secret: ok.secret },
        consentMissing: { appId: consentMissing.appId, secret: consentMissing.secret },
      },
      sim,
      gate,
      holdRuns: () => gate.close(),
      releaseRuns: () => gate.release(),
      async cancelNoticed() {
        while (cancelNoticed.size === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
