import { collectionPages } from './graph-pages';
import type { GraphCall, PacedGraphRequester } from './paced-graph-requester';

/** "The default and maximum page sizes are 100 and 999" for directory collections [group-list]. */
const MEMBER_PAGE_SIZE = '999';

/**
 * The user members of an Entra group, nested groups expanded, page by page:
 * `GET /groups/{id}/transitiveMembers/microsoft.graph.user?$select=id&$count=true&$top=999`.
 *
 * The OData cast is an advanced query: it needs `ConsistencyLevel: eventual` and `$count=true`,
 * on every page [group-list-transitivemembers; aad-advanced-queries, "Use of OData cast with
 * transitive members list"]. Such a query reads an index that "might not be up-to-date with recent
 * changes": someone added to the group moments ago may be seen by the next read only.
 */
export function groupUserMemberPages(
  requester: PacedGraphRequester,
  graphBaseUrl: string,
  groupId: string,
  signal?: AbortSignal,
): AsyncGenerator<{ id: string }[], void, undefined> {
  const call: GraphCall = {
    class: 'directory',
    what: `the members of group ${groupId}`,
    headers: { ConsistencyLevel: 'eventual' },
  };
  return collectionPages<{ id: string }>(
    requester,
    graphBaseUrl,
    `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?$select=id&$count=true&$top=${MEMBER_PAGE_SIZE}`,
    call,
    signal,
  );
}
