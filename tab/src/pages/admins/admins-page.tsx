import { useState } from 'react';
import type { PageProps } from '../../app/page-props';
import { PageHeading, Section, useLayoutStyles } from '../../common/layout';
import { AdminList } from './admin-list';
import { AuditLog } from './audit-log';
import { ChannelList } from './channel-list';

export function AdminsPage(props: PageProps) {
  const { api, me } = props;
  const styles = useLayoutStyles();
  // A change of admins is an audit entry: the log reads again after one.
  const [version, setVersion] = useState(0);
  return (
    <div className={styles.page}>
      <PageHeading focusOnMount={props.focusHeading}>Admins</PageHeading>
      <Section
        id="admins"
        title="ChatVault admins"
        description="Admins connect the tenant app, start and schedule backups, and manage who else may."
      >
        <AdminList
          api={api}
          me={me}
          onChanged={() => {
            setVersion((v) => v + 1);
            props.refreshMe();
          }}
        />
      </Section>
      <Section id="channels" title="Subscribed channels">
        <ChannelList api={api} />
      </Section>
      <Section id="audit" title="Audit log">
        <AuditLog api={api} version={version} />
      </Section>
    </div>
  );
}
