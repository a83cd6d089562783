import { readFile } from 'node:fs/promises';

/** The connection file Jupyter writes for a kernel (jupyter_client's format). */
export interface ConnectionInfo {
  transport: 'tcp' | 'ipc';
  ip: string;
  shell_port: number;
  control_port: number;
  iopub_port: number;
  stdin_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

export type ChannelName = 'shell' | 'control' | 'iopub' | 'stdin' | 'hb';

export async function readConnectionFile(file: string): Promise<ConnectionInfo> {
  const raw: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (raw === null || typeof raw !== 'object') throw new Error(`${file}: not a JSON object`);
  const info = raw as Partial<ConnectionInfo>;
  const transport = info.transport ?? 'tcp';
  if (transport !== 'tcp' && transport !== 'ipc') throw new Error(`${file}: unknown transport '${String(transport)}'`);
  for (const port of ['shell_port', 'control_port', 'iopub_port', 'stdin_port', 'hb_port'] as const) {
    if (typeof info[port] !== 'number') throw new Error(`${file}: ${port} is missing`);
  }
  return {
    ...(info as ConnectionInfo),
    transport,
    ip: info.ip ?? '127.0.0.1',
    key: info.key ?? '',
    signature_scheme: info.signature_scheme ?? 'hmac-sha256',
  };
}

/** The endpoint a channel binds to: tcp://ip:port, or ipc://ip-port as jupyter_client names ipc files. */
export function endpointOf(info: ConnectionInfo, channel: ChannelName): string {
  const port = info[`${channel}_port` as const];
  return info.transport === 'tcp' ? `tcp://${info.ip}:${port}` : `ipc://${info.ip}-${port}`;
}
