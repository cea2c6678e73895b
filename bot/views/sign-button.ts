import type { CardArgs, CardVerb } from '../card-action-token';

/** Makes a button's token for the card being built (bound to its tenant and conversation). */
export type SignButton = (verb: CardVerb, args?: CardArgs) => Promise<string>;
