import type { ApiClient } from '../api/api-client';
import type { Me } from '../api/types';

export interface PageProps {
  api: ApiClient;
  me: Me;
  /** True when the page was opened from the navigation (its heading then takes the focus). */
  focusHeading: boolean;
  /** Reads /me again (a first connect makes the caller an admin). */
  refreshMe(): void;
}
