/**
 * With NODE_EXTRA_CA_CERTS set, Node parses its whole root certificate store
 * and the extra file before running any JavaScript: 50 to 110 ms of every
 * start here. The kernel process never speaks TLS, so kernel.json starts it
 * with the variable emptied and its value kept aside (jupyter_client fills
 * in `${NODE_EXTRA_CA_CERTS}`); the kernel puts it back for the commands it
 * starts. The TypeScript executor is started the same way (its first cell
 * waits for its start) and trusts the extra certificates when a cell first
 * speaks TLS (kernel/executor/child/extra-ca.ts).
 */
import type { SettingName } from '../base/settings';

export const KEPT: SettingName = 'SOCKBOOK_NODE_EXTRA_CA_CERTS';
const UNFILLED = '${NODE_EXTRA_CA_CERTS}';

export function restoreExtraCaCerts(env: NodeJS.ProcessEnv = process.env): void {
  const kept = env[KEPT];
  if (kept === undefined) return;
  delete env[KEPT];
  // Unfilled: the variable was not set (or the client does not substitute), so there is nothing to restore.
  if (kept !== '' && kept !== UNFILLED) env.NODE_EXTRA_CA_CERTS = kept;
  else if (env.NODE_EXTRA_CA_CERTS === '') delete env.NODE_EXTRA_CA_CERTS;
}

/** The environment for a Node process that should start without parsing the extra certificates: the variable kept aside. */
export function withExtraCaCertsAside(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const extra = env.NODE_EXTRA_CA_CERTS;
  if (!extra) return env;
  return { ...env, NODE_EXTRA_CA_CERTS: '', [KEPT]: extra };
}
