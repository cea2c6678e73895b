import { renderCard, type AdaptiveCardJson } from '../cards/card-templates';
import { entraLinks } from './entra-links';
import type { SignButton } from './sign-button';

/** The card a person gets when they install ChatVault: the setup guide's three parts, then Connect. */
export async function welcomeCard(tenantId: string, sign: SignButton): Promise<AdaptiveCardJson> {
  return renderCard('welcome', {
    tenantId,
    links: entraLinks(tenantId),
    tokens: { connect: await sign('connect') },
  });
}
