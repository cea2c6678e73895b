import { Button, Field, Input, TableCell, TableHeaderCell, TableRow } from '@fluentui/react-components';
import { useRef, useState, type FormEvent } from 'react';
import type { ApiClient } from '../../api/api-client';
import type { Admin, Me } from '../../api/types';
import { ActionResultRegion, type ActionResult } from '../../common/action-result';
import { useConfirm } from '../../common/confirm-dialog';
import { ActionsHeaderCell, DataTable } from '../../common/data-table';
import { validationProps } from '../../common/field-validation';
import { describeActor, useFormat } from '../../common/format';
import { useLayoutStyles } from '../../common/layout';
import { asApiError, useResource } from '../../common/use-resource';

export function adminName(admin: Admin): string {
  return admin.displayName ?? admin.userPrincipalName ?? admin.userId;
}

/** The tenant's ChatVault admins, with Add and Remove. */
export function AdminList(props: { api: ApiClient; me: Me; onChanged(): void }) {
  const { api, me, onChanged } = props;
  const styles = useLayoutStyles();
  const format = useFormat();
  const admins = useResource(() => api.admins(), [api]);
  const [user, setUser] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ActionResult>();
  const input = useRef<HTMLInputElement>(null);
  const table = useRef<HTMLTableElement>(null);
  const confirm = useConfirm();

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setResult(undefined);
    if (user.trim() === '') {
      setFieldError("Enter the person's user principal name (e.g. ada@contoso.com) or Entra object ID.");
      input.current?.focus();
      return;
    }
    setFieldError(undefined);
    setBusy(true);
    try {
      const added = await api.addAdmin(user.trim());
      setUser('');
      await admins.reload();
      setResult({ message: `${adminName(added)} is now a ChatVault admin.` });
      onChanged();
    } catch (failure) {
      const error = asApiError(failure);
      if (error.code === 'invalid_input' || error.code === 'not_found') {
        setFieldError(error.message);
        input.current?.focus();
      } else {
        setResult({ error });
      }
    } finally {
      setBusy(false);
    }
  };

  const remove = async (admin: Admin) => {
    const sure = await confirm({
      title: `Remove ${adminName(admin)} as an admin?`,
      confirmLabel: 'Remove',
      body:
        admin.userId === me.userId
          ? 'You will no longer be able to manage ChatVault unless another admin adds you again.'
          : `${adminName(admin)} will no longer be able to manage ChatVault.`,
    });
    if (!sure) return;
    setResult(undefined);
    try {
      await api.removeAdmin(admin.userId);
      await admins.reload();
      setResult({ message: `${adminName(admin)} is no longer a ChatVault admin.` });
      // The button that was pressed went with its row: the focus goes to the list it left.
      table.current?.focus();
      onChanged();
    } catch (failure) {
      setResult({ error: asApiError(failure) });
    }
  };

  return (
    <>
      <DataTable
        label="ChatVault admins"
        testId="admin-table"
        focusRef={table}
        items={admins.data?.items}
        error={admins.data ? undefined : admins.error}
        onRetry={admins.reload}
        loading={admins.loading && !admins.error}
        loadingLabel="Reading the admins…"
        header={
          <>
            <TableHeaderCell>Name</TableHeaderCell>
            <TableHeaderCell>User principal name</TableHeaderCell>
            <TableHeaderCell>Admin since</TableHeaderCell>
            <TableHeaderCell>How</TableHeaderCell>
            <ActionsHeaderCell />
          </>
        }
        row={(admin) => (
          <TableRow key={admin.userId}>
            <TableCell>
              {adminName(admin)}
              {admin.userId === me.userId ? ' (you)' : ''}
            </TableCell>
            <TableCell>{admin.userPrincipalName ?? '—'}</TableCell>
            <TableCell>{format.dateTime(admin.addedAt)}</TableCell>
            <TableCell>
              {admin.via === 'first-connect'
                ? 'Connected the tenant app first'
                : `Added by ${describeActor(admin.addedBy)}`}
            </TableCell>
            <TableCell>
              <Button size="small" onClick={() => void remove(admin)}>
                Remove {adminName(admin)}
              </Button>
            </TableCell>
          </TableRow>
        )}
      />
      <form onSubmit={add} noValidate aria-label="Add an admin" className={styles.form}>
        <Field
          label="Person to make admin"
          hint="Their user principal name (e.g. ada@contoso.com) or Entra object ID."
          {...validationProps(fieldError)}
        >
          <Input ref={input} value={user} onChange={(_, d) => setUser(d.value)} autoComplete="off" />
        </Field>
        <div className={styles.row}>
          <Button type="submit" appearance="primary" disabled={busy}>
            Add admin
          </Button>
        </div>
      </form>
      <ActionResultRegion result={result} />
    </>
  );
}
