import { Button, Tab, TabList } from '@fluentui/react-components';
import { useRef, useState, type ReactNode } from 'react';
import type { ChatSummary, RecoveryUser, SearchHit } from '../../api/recovery-types';
import type { PageProps } from '../../app/page-props';
import { PageHeading, Section, useLayoutStyles } from '../../common/layout';
import { ChatList } from './chat-list';
import { ErasureForm } from './erasure-form';
import { ExportPanel, type ExportPreset } from './export-panel';
import { PeopleList } from './people-list';
import { RetentionForm } from './retention-form';
import { SearchPanel } from './search-panel';
import { TranscriptView } from './transcript-view';

type RecoveryTab = 'browse' | 'search' | 'export' | 'retention';

const TABS: { value: RecoveryTab; label: string }[] = [
  { value: 'browse', label: 'Browse' },
  { value: 'search', label: 'Search' },
  { value: 'export', label: 'Export' },
  { value: 'retention', label: 'Retention and erasure' },
];

interface OpenChat {
  chatId: string;
  title: string;
  around?: string;
  /** A new transcript view for each opening (a search result opens at its own message). */
  seq: number;
}

/**
 * What the backup kept: browse people, chats and transcripts (at any moment it covers), search every
 * version of every message, export, and decide how long it is all kept. Every panel stays mounted
 * while another is shown, so switching back finds it as it was left.
 */
export function RecoveryPage(props: PageProps) {
  const { api } = props;
  const styles = useLayoutStyles();
  const [tab, setTab] = useState<RecoveryTab>('browse');
  const [open, setOpen] = useState<OpenChat>();
  const [chosenUser, setChosenUser] = useState<RecoveryUser>();
  const [exportPreset, setExportPreset] = useState<ExportPreset>();
  const seq = useRef(0);
  /** What had the focus when a chat was opened from the lists, to give it back on the way out. */
  const returnFocus = useRef<HTMLElement | null>(null);

  const openChat = (chat: { chatId: string; title: string }, around?: string) => {
    returnFocus.current = tab === 'browse' ? (document.activeElement as HTMLElement | null) : null;
    setOpen({ chatId: chat.chatId, title: chat.title, seq: ++seq.current, ...(around ? { around } : {}) });
    setTab('browse');
  };

  const closeChat = () => {
    setOpen(undefined);
    // The lists come back as they were; the focus goes back to the button that opened the chat.
    const target = returnFocus.current;
    returnFocus.current = null;
    setTimeout(() => target?.focus(), 0);
  };

  const exportChat = (chat: ChatSummary, at: string | undefined) => {
    setExportPreset({ chatId: chat.chatId, seq: ++seq.current, ...(at ? { at } : {}) });
    setTab('export');
  };

  const openTitle = open ? { chatId: open.chatId, title: open.title } : undefined;

  return (
    <div className={styles.page}>
      <PageHeading focusOnMount={props.focusHeading}>Recovery</PageHeading>
      <p>
        Everything the backup kept of your organization’s chats, deleted and edited messages included: browse
        and search it, export it, and decide how long it is kept. Every view, search and export is recorded in
        the audit log.
      </p>
      <TabList
        selectedValue={tab}
        onTabSelect={(_, d) => setTab(d.value as RecoveryTab)}
        aria-label="Recovery"
      >
        {TABS.map((t) => (
          <Tab
            key={t.value}
            value={t.value}
            id={`recovery-tab-${t.value}`}
            aria-controls={`recovery-panel-${t.value}`}
          >
            {t.label}
          </Tab>
        ))}
      </TabList>

      <Panel value="browse" shown={tab}>
        {/* `hidden` on a wrapper of its own: a class that sets `display` would override it. */}
        <div hidden={open !== undefined}>
          <div className={styles.page}>
            <Section id="recovery-people" title="People">
              <PeopleList api={api} chosen={chosenUser?.userId} onChoose={setChosenUser} />
            </Section>
            <Section
              id="recovery-chats"
              title={chosenUser ? `Chats of ${chosenUser.displayName}` : 'All chats'}
            >
              {chosenUser ? (
                <div className={styles.row}>
                  <Button onClick={() => setChosenUser(undefined)}>Show all chats</Button>
                </div>
              ) : null}
              <ChatList api={api} user={chosenUser} onOpen={(chat) => openChat(chat)} />
            </Section>
          </div>
        </div>
        {open ? (
          <TranscriptView
            key={open.seq}
            api={api}
            chatId={open.chatId}
            {...(open.around ? { around: open.around } : {})}
            onBack={closeChat}
            onExport={exportChat}
          />
        ) : null}
      </Panel>

      <Panel value="search" shown={tab}>
        <Section id="recovery-search" title="Search messages">
          <SearchPanel
            api={api}
            openChat={openTitle}
            onOpen={(hit: SearchHit) =>
              openChat({ chatId: hit.link.chatId, title: hit.chatTitle }, hit.link.messageId)
            }
          />
        </Section>
      </Panel>

      <Panel value="export" shown={tab}>
        <Section id="recovery-export" title="Export">
          <ExportPanel api={api} openChat={openTitle} preset={exportPreset} />
        </Section>
      </Panel>

      <Panel value="retention" shown={tab}>
        <div className={styles.page}>
          <Section id="recovery-retention" title="How long messages are kept">
            <RetentionForm api={api} />
          </Section>
          <Section
            id="recovery-erasure"
            title="Erase a person"
            description="For a request to erase someone's personal data (GDPR Article 17)."
          >
            <ErasureForm api={api} />
          </Section>
        </div>
      </Panel>
    </div>
  );
}

function Panel(props: { value: RecoveryTab; shown: RecoveryTab; children: ReactNode }) {
  return (
    <div
      role="tabpanel"
      id={`recovery-panel-${props.value}`}
      aria-labelledby={`recovery-tab-${props.value}`}
      hidden={props.value !== props.shown}
      data-testid={`recovery-panel-${props.value}`}
    >
      {props.children}
    </div>
  );
}
