import { MessageBar, MessageBarBody } from '@fluentui/react-components';
import type { ApiError } from '../api/api-client';
import { ErrorMessage } from './error-message';
import { LiveRegion } from './live-region';

/** What an action on a list ended with: a sentence of success, or the server's refusal. */
export type ActionResult = { message: string } | { error: ApiError };

/** The last action's result, read out as it appears (the region is there before it). */
export function ActionResultRegion(props: { result: ActionResult | undefined }) {
  const { result } = props;
  return (
    <LiveRegion>
      {result && 'message' in result ? (
        <MessageBar intent="success">
          <MessageBarBody>{result.message}</MessageBarBody>
        </MessageBar>
      ) : null}
      {result && 'error' in result ? <ErrorMessage error={result.error} /> : null}
    </LiveRegion>
  );
}
