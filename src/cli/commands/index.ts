import type { Command } from 'commander';
import { register as registerCheck } from './check.js';
import { register as registerDemo } from './demo.js';
import { register as registerDiff } from './diff.js';
import { register as registerDoctor } from './doctor.js';
import { register as registerEmail } from './email.js';
import { register as registerEvaluate } from './evaluate.js';
import { register as registerExport } from './export.js';
import { register as registerInvoke } from './invoke.js';
import { register as registerKeygen } from './keygen.js';
import { register as registerMetrics } from './metrics.js';
import { register as registerReport } from './report.js';
import { register as registerReports } from './reports.js';
import { register as registerRules } from './rules.js';
import { register as registerRun } from './run.js';
import { register as registerShare } from './share.js';
import { register as registerSimulate } from './simulate.js';
import { register as registerSnapshot } from './snapshot.js';
import { register as registerStatus } from './status.js';
import { register as registerVerify } from './verify.js';

/** What a command reports back to main(): its exit status (see EXIT in main.ts). */
export interface RunState {
  exitCode: number;
}

/** Each command module exports a function that adds itself to the program. Add new ones here. */
export const commands: Array<(program: Command, run: RunState) => void> = [
  registerVerify,
  registerShare,
  registerEvaluate,
  registerRules,
  registerSnapshot,
  registerEmail,
  registerReport,
  registerRun,
  registerSimulate,
  registerDemo,
  registerKeygen,
  registerExport,
  registerInvoke,
  registerStatus,
  registerCheck,
  registerDoctor,
  registerMetrics,
  registerDiff,
  registerReports,
];
