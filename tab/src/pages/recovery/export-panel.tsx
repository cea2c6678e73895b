import {
  Button,
  Field,
  Input,
  Link,
  MessageBar,
  MessageBarBody,
  Radio,
  RadioGroup,
  Spinner,
} from '@fluentui/react-components';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, type ApiClient } from '../../api/api-client';
import type { ExportFormat, ExportLink, ExportRequest, ExportScope } from '../../api/recovery-types';
import { DateRangeFields, readDateRange } from '../../common/date-range';
import { ErrorMessage } from '../../common/error-message';
import { validationProps } from '../../common/field-validation';
import { useLayoutStyles } from '../../common/layout';
import { LiveRegion } from '../../common/live-region';
import { asApiError } from '../../common/use-resource';
import { fromLocalInput, toLocalInput, usePreciseTime } from './recovery-format';

type ScopeKind = ExportScope['kind'];
type ExportField = 'scope' | 'user' | 'at' | 'from' | 'to';

/** What "Export this chat…" in a transcript asks for. */
export interface ExportPreset {
  chatId: string;
  at?: string;
  /** Changes with each request, so the same chat asked twice still fills the form again. */
  seq: number;
}

/**
 * Exports for reading offline (HTML) or for other systems (JSON): the chat open, one person's
 * chats, or everything. The server checks the request and answers a short-lived link of its own
 * origin; the download is that link followed.
 */
export function ExportPanel(props: {
  api: ApiClient;
  openChat: { chatId: string; title: string } | undefined;
  preset: ExportPreset | undefined;
}) {
  const { api, openChat, preset } = props;
  const layout = useLayoutStyles();
  const preciseTime = usePreciseTime();
  const [draft, setDraft] = useState<{
    scope: ScopeKind;
    user: string;
    format: ExportFormat;
    at: string;
    from: string;
    to: string;
  }>({ scope: openChat ? 'chat' : 'all', user: '', format: 'html', at: '', from: '', to: '' });
  const [errors, setErrors] = useState<Partial<Record<ExportField, string>>>({});
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ link: ExportLink } | { error: ApiError }>();
  const userInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!preset) return;
    setDraft((d) => ({ ...d, scope: 'chat', at: preset.at ? toLocalInput(preset.at) : '' }));
    setErrors({});
    setResult(undefined);
  }, [preset]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setResult(undefined);
    const found: Partial<Record<ExportField, string>> = {};
    let scope: ExportScope | undefined;
    switch (draft.scope) {
      case 'chat':
        if (openChat) scope = { kind: 'chat', chatId: openChat.chatId };
        else found.scope = 'Open a chat in Browse first, or choose another kind of export.';
        break;
      case 'user':
        if (draft.user.trim() !== '') scope = { kind: 'user', user: draft.user.trim() };
        else found.user = "Enter the person's user principal name (e.g. ada@contoso.com) or object ID.";
        break;
      case 'all':
        scope = { kind: 'all' };
        break;
    }
    const at = draft.at ? fromLocalInput(draft.at) : undefined;
    if (draft.at && !at) found.at = 'Enter a date and a time, or leave it empty.';
    const { from, to, errors: dateErrors } = readDateRange(draft);
    Object.assign(found, dateErrors);
    setErrors(found);
    if (!scope || Object.keys(found).length > 0) {
      if (found.user) userInput.current?.focus();
      return;
    }
    const request: ExportRequest = {
      scope,
      format: draft.format,
      ...(at ? { at } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    };
    setBusy(true);
    try {
      const link = await api.recovery.startExport(request);
      download(link);
      setResult({ link });
    } catch (failure) {
      const refused = asApiError(failure);
      const field = fieldOf(refused, draft.scope);
      if (field) {
        setErrors({ [field]: refused.message });
        if (field === 'user') userInput.current?.focus();
      } else {
        setResult({ error: refused });
      }
    } finally {
      setBusy(false);
    }
  };

  const fieldProps = (field: ExportField) => validationProps(errors[field]);

  return (
    <form onSubmit={submit} noValidate aria-label="Export" className={layout.form}>
      <Field label="What to export" {...fieldProps('scope')}>
        <RadioGroup
          value={draft.scope}
          onChange={(_, d) => setDraft({ ...draft, scope: d.value as ScopeKind })}
        >
          <Radio
            value="chat"
            disabled={!openChat}
            label={openChat ? `The chat open: ${openChat.title}` : 'The chat open (open one in Browse first)'}
          />
          <Radio value="user" label="One person’s chats" />
          <Radio value="all" label="Every chat in the backup" />
        </RadioGroup>
      </Field>
      {draft.scope === 'user' ? (
        <Field
          label="Person"
          hint="Their user principal name (e.g. ada@contoso.com) or object ID."
          {...fieldProps('user')}
        >
          <Input
            ref={userInput}
            value={draft.user}
            onChange={(_, d) => setDraft({ ...draft, user: d.value })}
            autoComplete="off"
          />
        </Field>
      ) : null}
      <Field label="Format">
        <RadioGroup
          value={draft.format}
          onChange={(_, d) => setDraft({ ...draft, format: d.value as ExportFormat })}
        >
          <Radio value="html" label="HTML: transcripts to read in any browser, images included" />
          <Radio value="json" label="JSON: every version as Microsoft Graph gave it, for other systems" />
        </RadioGroup>
      </Field>
      <Field
        label="As the backup saw it at (optional)"
        hint="Your local time; empty for everything the backup kept."
        {...fieldProps('at')}
      >
        <Input
          type="datetime-local"
          step={1}
          value={draft.at}
          onChange={(_, d) => setDraft({ ...draft, at: d.value })}
        />
      </Field>
      <DateRangeFields
        labels={{ from: 'Messages sent on or after (optional)', to: 'Messages sent on or before (optional)' }}
        value={draft}
        errors={errors}
        onChange={(days) => setDraft({ ...draft, ...days })}
      />
      <p className={layout.muted}>
        One chat is one file; a person’s chats or every chat come as one zip file with an index. Exports are
        recorded in the audit log.
      </p>
      <div className={layout.row}>
        <Button type="submit" appearance="primary" disabled={busy}>
          Export
        </Button>
        {busy ? <Spinner size="tiny" label="Preparing the export…" /> : null}
      </div>
      <LiveRegion>
        {result && 'link' in result ? (
          <MessageBar intent="success" layout="multiline" data-testid="export-ready">
            <MessageBarBody>
              Downloading <strong>{result.link.fileName}</strong>. If it did not start,{' '}
              <Link href={result.link.url} download={result.link.fileName} inline>
                download {result.link.fileName}
              </Link>
              . The link is yours only and expires at {preciseTime(result.link.expiresAt)}.
            </MessageBarBody>
          </MessageBar>
        ) : null}
        {result && 'error' in result ? <ErrorMessage error={result.error} /> : null}
      </LiveRegion>
    </form>
  );
}

/**
 * Follows the export's link with a link the page clicks itself: the server answers it as an
 * attachment, so the browser downloads it and the tab stays where it is. Only a link of the tab's
 * own origin is followed (the API answers a relative one).
 */
function download(link: ExportLink): void {
  const target = new URL(link.url, window.location.origin);
  if (target.origin !== window.location.origin) {
    throw new ApiError(
      0,
      'internal',
      'The server answered a download link of another site; it was not followed.',
    );
  }
  const anchor = document.createElement('a');
  anchor.href = target.href;
  anchor.download = link.fileName;
  anchor.hidden = true;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
}

function fieldOf(error: ApiError, scope: ScopeKind): ExportField | undefined {
  if (error.code === 'not_found' && scope === 'user') return 'user';
  if (error.code !== 'invalid_input') return undefined;
  switch (error.field) {
    case 'scope.user':
    case 'user':
      return 'user';
    case 'scope':
    case 'scope.chatId':
    case 'scope.kind':
      return 'scope';
    case 'at':
    case 'from':
    case 'to':
      return error.field;
    default:
      return undefined;
  }
}
