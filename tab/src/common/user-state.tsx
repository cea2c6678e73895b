import { Badge } from '@fluentui/react-components';
import type { UserState } from '../api/types';

export const USER_STATE_LABELS: Record<UserState, string> = {
  active: 'Active',
  unlicensed: 'No Teams license',
  disabled: 'Account disabled',
  deleted: 'Deleted',
  notFound: 'Not found',
};

/** A person's state in the directory, green only while they are active. */
export function UserStateBadge(props: { state: UserState }) {
  return (
    <Badge appearance="tint" color={props.state === 'active' ? 'success' : 'informative'}>
      {USER_STATE_LABELS[props.state]}
    </Badge>
  );
}
