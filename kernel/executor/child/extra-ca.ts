import { readFileSync } from 'node:fs';
import type * as Tls from 'node:tls';
import { KEPT, restoreExtraCaCerts } from '../../runner/extra-ca-certs';

// The module object itself (an `import *` would be a copy): tls.connect, https and fetch call its createSecureContext.
const tls = require('node:tls') as { -readonly [K in keyof typeof Tls]: (typeof Tls)[K] };

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The executor starts with NODE_EXTRA_CA_CERTS aside (so Node does not parse
 * the certificates at start). Puts it back for the programs cells start, and
 * makes every TLS context made without its own `ca` (tls.connect, https,
 * fetch) trust Node's roots and the extra certificates, read at the first use.
 */
export function trustExtraCaCertsWhenUsed(env: NodeJS.ProcessEnv = process.env): void {
  const file = env[KEPT];
  restoreExtraCaCerts(env);
  if (!file || file !== env.NODE_EXTRA_CA_CERTS) return;
  let ca: string[] | undefined;
  const trusted = (): string[] => {
    if (!ca) {
      let extra: string[] = [];
      try {
        extra = readFileSync(file, 'utf8').match(PEM_BLOCK) ?? [];
      } catch (error) {
        // What Node itself says when the file cannot be read, once.
        process.emitWarning(`Ignoring extra certs from \`${file}\`, load failed: ${(error as Error).message}`);
      }
      ca = [...tls.rootCertificates, ...extra];
    }
    return ca;
  };
  const create = tls.createSecureContext;
  tls.createSecureContext = function createWithExtraCa(options?: Tls.SecureContextOptions): Tls.SecureContext {
    return create.call(tls, options?.ca === undefined ? { ...options, ca: trusted() } : options);
  };
}
