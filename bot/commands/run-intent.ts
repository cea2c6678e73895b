import { ACCESS, type Access, type Intent } from '../intents';
import { SAY } from '../refusals';
import { admins, adminsAdd, adminsRemove } from './admins';
import { backupCancel, backupStart } from './backup';
import { text, type CommandContext, type Reply } from './command-context';
import { connect, connectSave } from './connect';
import { exportCreate, exportForm } from './export';
import { help } from './help';
import { history } from './history';
import { schedule, scheduleSave } from './schedule';
import { scope, scopeAdd, scopeRemove, scopeSet } from './scope';
import { status } from './status';
import { subscribe, unsubscribe } from './subscriptions';

/** Checks who may ask, then runs the command. The one place access is decided. */
export async function runIntent(ctx: CommandContext, intent: Intent): Promise<Reply> {
  const access = ACCESS[intent.name];
  if (!mayAct(access, ctx)) return text(access === 'setup' ? SAY.setupTaken : SAY.notAdmin);
  switch (intent.name) {
    case 'help':
      return help(ctx);
    case 'connect':
      return connect(ctx);
    case 'connect.save':
      return connectSave(ctx, intent.input);
    case 'status':
      return status(ctx);
    case 'backup.start':
      return backupStart(ctx);
    case 'backup.cancel':
      return backupCancel(ctx, intent.runId);
    case 'history':
      return history(ctx);
    case 'schedule':
      return schedule(ctx);
    case 'schedule.save':
      return scheduleSave(ctx, intent.change);
    case 'subscribe':
      return subscribe(ctx);
    case 'unsubscribe':
      return unsubscribe(ctx);
    case 'admins':
      return admins(ctx);
    case 'admins.add':
      return adminsAdd(ctx, intent.user);
    case 'admins.remove':
      return adminsRemove(ctx, intent.user);
    case 'scope':
      return scope(ctx);
    case 'scope.add':
      return scopeAdd(ctx, intent.user);
    case 'scope.remove':
      return scopeRemove(ctx, intent.user);
    case 'scope.set':
      return scopeSet(ctx, intent.mode, intent.users);
    case 'export':
      return exportForm(ctx);
    case 'export.create':
      return exportCreate(ctx, intent.ask);
    default: {
      const unreachable: never = intent;
      throw new Error(`no command for ${(unreachable as { name?: unknown }).name}`);
    }
  }
}

export function mayAct(access: Access, ctx: Pick<CommandContext, 'isAdmin' | 'tenantHasAdmins'>): boolean {
  switch (access) {
    case 'anyone':
      return true;
    case 'setup':
      return ctx.isAdmin || !ctx.tenantHasAdmins;
    case 'admin':
      return ctx.isAdmin;
    default: {
      const unreachable: never = access;
      throw new Error(`unknown access ${String(unreachable)}`);
    }
  }
}
