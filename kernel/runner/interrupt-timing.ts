// How long an interrupt waits before it uses force, in one place: the
// sockbook-run helper is given its delay as an argument (--kill-after), the
// executor host its grace time, and the words users read are made from the
// same values.

/** After the interrupt's SIGINT, what is left of a shell command's session is killed this much later (ms). */
export const COMMAND_KILL_AFTER_MS = 2000;

/** A TypeScript cell that has not stopped this long after the interrupt gets its executor restarted (ms). */
export const EXECUTOR_RESTART_AFTER_MS = 2000;

/** A duration as users read it: 2000 → '2 s', 500 → '0.5 s'. */
export function inSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
