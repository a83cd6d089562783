/** The runner layer: how shell commands and background processes run. */
export { runCommand, DEFAULT_OUTPUT_LIMIT } from './run-command';
export { startBackground, type BackgroundProcess, type BackgroundOptions } from './background';
export { describeExit, describeExitStatus, describeTruncation } from './describe-exit';
export { killAllStarted, listStarted, type StartedProcess } from './registry';
export { setProcessLimit, processGuard, removeProcessGuard, DEFAULT_MAX_PROCS } from './process-guard';
export { shutdownRunner } from './shutdown';
export type { RunOptions, RunResult } from './types';
export { parseIsolation, startIsolation, stopIsolation, isolationStatus, enterIsolation, type IsolationKind, type IsolationStatus } from './isolation';
