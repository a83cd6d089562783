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
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: cannot read the connection file: ${(error as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object') throw new Error(`${file}: not a JSON object`);
  const info = raw as Partial<ConnectionInfo>;
  const transport = info.transport ?? 'tcp';
  if (transport !== 'tcp' && transport !== 'ipc') throw new Error(`${file}: unknown transport '${String(transport)}'`);
  for (const port of ['shell_port', 'control_port', 'iopub_port', 'stdin_port', 'hb_port'] as const) {
    if (typeof info[port] !== 'number') throw new Error(`${file}: ${port} is missing`);
  }
  // A key of another type would read as no key at all, and turn signing off.
  if (info.key !== undefined && typeof info.key !== 'string') {
    throw new Error(`${file}: 'key' must be a string, got ${JSON.stringify(info.key)}; refusing to start without signing`);
  }
  if (info.signature_scheme !== undefined && typeof info.signature_scheme !== 'string') {
    throw new Error(`${file}: 'signature_scheme' must be a string such as "hmac-sha256", got ${JSON.stringify(info.signature_scheme)}`);
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
