import { PageHeading, Section, useLayoutStyles } from '../../common/layout';

/** The manifest's privacy link: what ChatVault keeps, where, and who sees it. */
export function PrivacyPage(props: { focusHeading: boolean }) {
  const styles = useLayoutStyles();
  return (
    <div className={styles.page}>
      <PageHeading focusOnMount={props.focusHeading}>ChatVault and your data</PageHeading>
      <Section id="what" title="What ChatVault keeps">
        <p>
          ChatVault backs up the private Microsoft Teams chats of an organization (1:1, group and meeting
          chats): their members, messages with every edit and deletion, reactions and inline images. It reads
          them through Microsoft Graph with an application the organization registered and connected itself.
        </p>
      </Section>
      <Section id="where" title="Where it is kept">
        <p>
          In the storage the organization's ChatVault operator configured (Azure Cosmos DB and Blob storage,
          or local storage for a trial). The application's secret is kept sealed and is never shown again.
        </p>
      </Section>
      <Section id="who" title="Who can see it">
        <p>
          Only the organization's ChatVault admins manage ChatVault, and every admin action is recorded in an
          audit log. For questions about your data, ask your organization's ChatVault admins.
        </p>
      </Section>
    </div>
  );
}

export function TermsPage(props: { focusHeading: boolean }) {
  const styles = useLayoutStyles();
  return (
    <div className={styles.page}>
      <PageHeading focusOnMount={props.focusHeading}>Terms of use</PageHeading>
      <p>
        ChatVault is run for your organization by its ChatVault operator. Its use is governed by the terms
        your organization agreed with that operator; ask your organization's ChatVault admins for them.
      </p>
    </div>
  );
}
