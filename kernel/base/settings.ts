// Every SOCKBOOK_* environment variable, in one place: its default and what
// it does. Code reads a setting with readSetting (a name not listed here does
// not compile); test/settings.test.ts checks that no other module reads one
// from the environment, that every SOCKBOOK_ name in the sources is listed
// here, and that the README's limits table says what this table says.

/**
 * Who a setting is for: 'limit' (the README's table of limits), 'user'
 * (documented where the README describes what it changes), 'internal' (set
 * by the kernel or kernel.json for a process it starts; not for users).
 */
export type SettingAudience = 'limit' | 'user' | 'internal';

export interface Setting {
  readonly audience: SettingAudience;
  /** The default as users write it ('' when unset means off or absent). */
  readonly shown: string;
  readonly doc: string;
}

export const SETTINGS = {
  SOCKBOOK_MAX_PROCS: {
    audience: 'limit',
    shown: '512',
    doc: 'processes of the kernel\'s commands and executor (the pids cgroup; RLIMIT_NPROC where there is none, which does not bind root: the first cell then says that no limit holds)',
  },
  SOCKBOOK_MAX_MEMORY: {
    audience: 'limit',
    shown: '2G',
    doc: 'memory of everything the kernel starts, the TypeScript executor included; `none` turns it off',
  },
  SOCKBOOK_MAX_KEPT_OUTPUT: { audience: 'limit', shown: '64M', doc: 'the file keeping a command\'s output past 1 MiB' },
  SOCKBOOK_TMP_SIZE: { audience: 'limit', shown: '256M', doc: 'the private /tmp (and /dev/shm) of --isolate tmp' },
  SOCKBOOK_MAX_MESSAGE_SIZE: { audience: 'limit', shown: '64M', doc: 'a message on the kernel\'s sockets (a larger one is refused)' },
  SOCKBOOK_CHECKER_IDLE_S: {
    audience: 'limit',
    shown: '10',
    doc: 'seconds the TypeScript type checker stays loaded without a question; 0 keeps it',
  },
  SOCKBOOK_SPARE_IDLE_S: { audience: 'limit', shown: '10', doc: 'seconds the spare command helpers are kept without a terminal command; 0 keeps them' },
  SOCKBOOK_ISOLATE: { audience: 'user', shown: '', doc: 'the isolation of the kernel\'s commands when --isolate is not given: net, tmp, pid (comma separated) or none' },
  SOCKBOOK_CACHE_DIR: { audience: 'user', shown: '~/.cache/sockbook/compile', doc: 'the compile cache\'s folder (else $XDG_CACHE_HOME/sockbook/compile)' },
  SOCKBOOK_STRICT: { audience: 'user', shown: '', doc: '1, on, true or yes: a kernel starts in strict mode (a failing %run command fails its cell), as %strict on' },
  SOCKBOOK_MAN_DIR: { audience: 'user', shown: '/usr/share/man', doc: 'where manual pages are read from, for another layout' },
  SOCKBOOK_LLDB_DAP: { audience: 'user', shown: '/usr/bin/lldb-dap-19', doc: 'the lldb-dap program that debugs C cells' },
  SOCKBOOK_WORKDIR_MAX_FILE_MB: { audience: 'user', shown: '64', doc: 'sockbook run: a larger file of the notebook\'s directory is left out of its private copy (MiB)' },
  SOCKBOOK_WORKDIR_MAX_MB: { audience: 'user', shown: '256', doc: 'sockbook run: what the private copy of the notebook\'s directory holds at most (MiB)' },
  SOCKBOOK_KEEP_FILES_MB: { audience: 'user', shown: '64', doc: 'sockbook run: what is kept of the files a run wrote (MiB; 16 MiB a file)' },
  SOCKBOOK_AUTOGRADER_ROOT: { audience: 'user', shown: '/autograder', doc: 'the Gradescope bundle\'s scripts: where source/, submission/ and results/ are' },
  SOCKBOOK_BIN: { audience: 'user', shown: '', doc: 'the Gradescope bundle\'s run_autograder: the sockbook to run (default: the one setup.sh installed)' },
  SOCKBOOK_KERNEL_PID: { audience: 'internal', shown: '', doc: 'the kernel\'s pid, handed to the executor child (its pictures count the kernel\'s sockets and processes)' },
  SOCKBOOK_NET_ISOLATED: { audience: 'internal', shown: '', doc: '1 when the executor child runs in the kernel\'s own network namespace (packets() needs it)' },
  SOCKBOOK_GUARD: { audience: 'internal', shown: '', doc: 'the kernel\'s process guard, as JSON, handed to the executor child' },
  SOCKBOOK_EXECUTOR_FENCE: { audience: 'internal', shown: '', doc: 'the executor child\'s nonce for the fence markers in its output' },
  SOCKBOOK_EXECUTOR_GROUPS: { audience: 'internal', shown: '', doc: 'the cgroup.procs files the executor child joins, as a JSON list' },
  SOCKBOOK_LISTEN_FDS: { audience: 'internal', shown: '', doc: 'sockets sockbook-listen bound before Node started, as CHANNEL:PORT:FD items' },
  SOCKBOOK_NODE_EXTRA_CA_CERTS: { audience: 'internal', shown: '', doc: 'NODE_EXTRA_CA_CERTS kept aside by kernel.json, restored for the commands the kernel starts' },
} as const satisfies Record<`SOCKBOOK_${string}`, Setting>;

export type SettingName = keyof typeof SETTINGS;

/** A setting's value in `env` (the process' environment unless given); undefined when unset. */
export function readSetting(name: SettingName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[name];
}
