import type { Me } from '../../api/types';
import { PageHeading, useLayoutStyles } from '../../common/layout';

/** What someone who is not a ChatVault admin sees, whichever page they opened. */
export function AskAnAdminPage(props: { me: Me; focusHeading: boolean }) {
  const styles = useLayoutStyles();
  return (
    <div className={styles.page} data-testid="ask-an-admin">
      <PageHeading focusOnMount={props.focusHeading}>ChatVault is managed by your admins</PageHeading>
      <p>
        Hello {props.me.displayName}. ChatVault backs up the private Teams chats of your organization, and
        only its ChatVault admins can see and change how.
      </p>
      <p>
        If you need to manage it, please ask one of your organization's ChatVault admins to add you. They can
        do it on the Admins page of this tab, or by sending “admins” to the ChatVault bot.
      </p>
    </div>
  );
}

/** Backups and Admins before anyone has connected the tenant app. */
export function ConnectFirstPage(props: { focusHeading: boolean }) {
  const styles = useLayoutStyles();
  return (
    <div className={styles.page}>
      <PageHeading focusOnMount={props.focusHeading}>Connect the tenant app first</PageHeading>
      <p>
        No one manages ChatVault in your organization yet. Connect the tenant application on the{' '}
        <a href="#/credentials">Credentials</a> page: whoever saves a working connection becomes the first
        ChatVault admin, and can then start backups and add other admins.
      </p>
    </div>
  );
}
