import { Button, Spinner } from '@fluentui/react-components';
import { useState } from 'react';
import type { ApiError } from '../../api/api-client';
import type { DemoUser } from '../../api/types';
import { ErrorMessage } from '../../common/error-message';
import { PageHeading, Section, useLayoutStyles } from '../../common/layout';
import { LiveRegion } from '../../common/live-region';

/**
 * The page opened outside Teams: it says so plainly. On a server that runs on the tenant
 * simulator (a local demo) it offers its demo users, whose tokens go through the same validation as
 * Teams SSO tokens.
 */
export function OutsideTeamsPage(props: {
  reason: string;
  demoUsers?: readonly DemoUser[];
  error?: ApiError;
  onDemoSignIn(user: DemoUser): Promise<void>;
}) {
  const styles = useLayoutStyles();
  const [signingIn, setSigningIn] = useState<string>();

  const signIn = async (user: DemoUser) => {
    setSigningIn(user.upn);
    try {
      await props.onDemoSignIn(user);
    } finally {
      setSigningIn(undefined);
    }
  };

  return (
    <div className={styles.page} data-testid="outside-teams">
      <PageHeading focusOnMount={false}>ChatVault works inside Microsoft Teams</PageHeading>
      <p>
        This page was opened outside Microsoft Teams, so Teams could not sign you in. Open ChatVault from
        Teams (Apps, then ChatVault) to manage your organization's chat backups.
      </p>
      <p className={styles.muted}>Details: {props.reason.replace(/\.+$/, '')}.</p>
      {props.demoUsers && props.demoUsers.length > 0 ? (
        <Section
          id="demo"
          title="Local demo"
          description="This server runs on the tenant simulator, so you can sign in as one of its demo users instead."
        >
          <div className={styles.row}>
            {props.demoUsers.map((user) => (
              <Button
                key={user.upn}
                appearance="primary"
                disabled={signingIn !== undefined}
                onClick={() => void signIn(user)}
                title={user.upn}
              >
                Sign in as {user.displayName}
                {user.tenant ? ` (${user.tenant})` : ''}
              </Button>
            ))}
            {signingIn ? <Spinner size="tiny" label="Signing in…" /> : null}
          </div>
        </Section>
      ) : null}
      <LiveRegion>
        {props.error ? <ErrorMessage error={props.error} title="Sign-in failed" /> : null}
      </LiveRegion>
    </div>
  );
}
