import type { ChannelName, ConnectionInfo } from './connection-file';
import type { SettingName } from '../base/settings';

/** Set by native/c/sockbook-listen.c: "CHANNEL:PORT:FD" items, comma separated. */
export const LISTEN_FDS_ENV: SettingName = 'SOCKBOOK_LISTEN_FDS';

/**
 * The listening sockets the launcher made for this kernel's ports, by
 * channel; only those whose port is the connection file's. The variable is
 * removed, so no process the kernel starts takes it for its own.
 */
export function takeListeningFds(info: ConnectionInfo, env: NodeJS.ProcessEnv = process.env): Partial<Record<ChannelName, number>> {
  const listed = env[LISTEN_FDS_ENV];
  delete env[LISTEN_FDS_ENV];
  const fds: Partial<Record<ChannelName, number>> = {};
  if (!listed || info.transport !== 'tcp') return fds;
  for (const item of listed.split(',')) {
    const [channel, port, fd] = item.split(':');
    const name = channel as ChannelName;
    if (!['shell', 'control', 'stdin', 'iopub', 'hb'].includes(name)) continue;
    if (Number(port) !== info[`${name}_port`] || !/^\d+$/.test(fd ?? '')) continue;
    fds[name] = Number(fd);
  }
  return fds;
}
