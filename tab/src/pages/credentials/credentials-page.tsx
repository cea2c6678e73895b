import { Spinner } from '@fluentui/react-components';
import type { PageProps } from '../../app/page-props';
import { ErrorMessage } from '../../common/error-message';
import { PageHeading, Section, useLayoutStyles } from '../../common/layout';
import { useResource } from '../../common/use-resource';
import { ConnectForm } from './connect-form';
import { ConnectionSummary } from './connection-summary';

/** The setup guide's "Credential Settings" page, for the tenant app ChatVault backs chats up with. */
export function CredentialsPage(props: PageProps) {
  const { api, me } = props;
  const styles = useLayoutStyles();
  const connection = useResource(() => api.connection(), [api]);
  const view = connection.data;

  return (
    <div className={styles.page}>
      <PageHeading focusOnMount={props.focusHeading}>Credential Settings</PageHeading>
      {!me.isAdmin && !me.tenantHasAdmins ? (
        <p>
          No one manages ChatVault in your organization yet. Connect the tenant application below: whoever
          saves a working connection becomes the first ChatVault admin.
        </p>
      ) : null}
      {connection.error && !view ? (
        <ErrorMessage
          error={connection.error}
          title="The connection could not be read"
          onRetry={connection.reload}
        />
      ) : null}
      {!view && !connection.error ? <Spinner label="Reading the connection…" /> : null}
      {view ? (
        <>
          <Section id="credential-information" title="Credential Information">
            <ConnectionSummary api={api} view={view} canManage={me.isAdmin} onChanged={connection.set} />
          </Section>
          <Section id="connect" title="Connect to Tenant Application">
            <ConnectForm
              api={api}
              me={me}
              view={view}
              onSaved={connection.set}
              onBecameAdmin={props.refreshMe}
            />
          </Section>
        </>
      ) : null}
    </div>
  );
}
