import type { Command } from 'commander';
import { registerBackup } from './backup';
import { registerConnect } from './connect';
import { registerExport } from './export';
import { registerPackage } from './package';
import { registerSimulator } from './simulator';
import { registerStart } from './start';
import { registerStatus } from './status';

/** Registers one command on the program; `setExitCode` sets the code `main` resolves to. */
export type RegisterCommand = (program: Command, setExitCode: (code: number) => void) => void;

/** Every `chatvault` command, in the order `--help` lists them. */
export const commands: RegisterCommand[] = [
  registerStart,
  registerPackage,
  registerConnect,
  registerStatus,
  registerBackup,
  registerExport,
  registerSimulator,
];
