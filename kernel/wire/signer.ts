import { createHmac, getHashes, timingSafeEqual } from 'node:crypto';

/**
 * The digests an `hmac-<digest>` scheme may name: SHA-2 and SHA-3 and BLAKE2.
 * MD5, SHA-1 and the like are refused, so a connection file cannot quietly
 * weaken what keeps other users' messages out.
 */
const STRONG_DIGESTS = new Set([
  'sha224',
  'sha256',
  'sha384',
  'sha512',
  'sha512224',
  'sha512256',
  'sha3224',
  'sha3256',
  'sha3384',
  'sha3512',
  'blake2b512',
  'blake2s256',
]);

/** node:crypto's name of a digest given as e.g. `sha256`, `SHA-256`, `sha3-256`, `sha512-256`. */
function cryptoName(digest: string): string | undefined {
  const wanted = digest.replace(/-/g, '').toLowerCase();
  return getHashes().find((name) => name.replace(/-/g, '').toLowerCase() === wanted);
}

/**
 * HMAC signing of messages. The connection file names the scheme as
 * `hmac-<digest>`, with a strong digest. An empty key disables signing (the
 * signature frame is then empty and not checked).
 */
export class Signer {
  private readonly digest: string;

  constructor(scheme: string, private readonly key: string) {
    if (typeof scheme !== 'string') throw new Error(`signature_scheme must be a string, got ${JSON.stringify(scheme)}`);
    if (typeof key !== 'string') throw new Error('the key must be a string');
    const match = /^hmac-(.+)$/.exec(scheme);
    if (!match) throw new Error(`unsupported signature_scheme '${scheme}' (expected hmac-<digest>, e.g. hmac-sha256)`);
    const wanted = match[1].replace(/-/g, '').toLowerCase();
    if (!STRONG_DIGESTS.has(wanted)) {
      throw new Error(`signature_scheme '${scheme}': '${match[1]}' is unknown or too weak (use hmac-sha256, or another SHA-2, SHA-3 or BLAKE2 digest)`);
    }
    const digest = cryptoName(wanted);
    if (!digest) throw new Error(`signature_scheme '${scheme}': this Node has no '${match[1]}' digest`);
    this.digest = digest;
  }

  get enabled(): boolean {
    return this.key.length > 0;
  }

  /** Hex signature of the four JSON frames: header, parent_header, metadata, content. */
  sign(frames: readonly Buffer[]): string {
    if (!this.enabled) return '';
    const hmac = createHmac(this.digest, this.key);
    for (const frame of frames) hmac.update(frame);
    return hmac.digest('hex');
  }

  /** Constant-time check of a received signature. */
  verify(signature: Buffer, frames: readonly Buffer[]): boolean {
    if (!this.enabled) return true;
    const expected = Buffer.from(this.sign(frames), 'latin1');
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  }
}
