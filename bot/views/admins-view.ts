import type { TenantAdmin } from '../../backend/governance/tenant-admins';
import { renderCard, type AdaptiveCardJson } from '../cards/card-templates';
import { factTime } from './card-format';
import type { SignButton } from './sign-button';

export interface AdminsCardState {
  admins: readonly TenantAdmin[];
  result?: { ok: boolean; message: string };
}

/** The tenant's admins, each with Remove (while more than one is left), and a field to add one. */
export async function adminsCard(state: AdminsCardState, sign: SignButton): Promise<AdaptiveCardJson> {
  const removable = state.admins.length > 1;
  const admins = [];
  for (const admin of state.admins) {
    admins.push({
      name: admin.displayName ?? admin.userPrincipalName ?? admin.userId,
      detail: [
        admin.userPrincipalName,
        admin.via === 'first-connect'
          ? `first admin, connected the app on ${factTime(admin.addedAt)}`
          : `added ${factTime(admin.addedAt)}${admin.addedBy.kind === 'user' && admin.addedBy.name ? ` by ${admin.addedBy.name}` : ''}`,
      ]
        .filter(Boolean)
        .join(' · '),
      removeToken: removable ? await sign('admins.remove', { userId: admin.userId }) : '',
    });
  }
  return renderCard('admins', {
    result: state.result ? { shown: true, ...state.result } : { shown: false, ok: false, message: '' },
    admins,
    tokens: { add: await sign('admins.add'), list: await sign('admins') },
  });
}
