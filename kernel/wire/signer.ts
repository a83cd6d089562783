import { createHmac, getHashes, timingSafeEqual } from 'node:crypto';

/**
 * HMAC signing of messages. The connection file names the scheme as
 * `hmac-<digest>`; any digest node:crypto has is accepted. An empty key
 * disables signing (the signature frame is then empty and not checked).
 */
export class Signer {
  private readonly digest: string;

  constructor(scheme: string, private readonly key: string) {
    const match = /^hmac-(.+)$/.exec(scheme);
    if (!match) throw new Error(`unsupported signature_scheme '${scheme}' (expected hmac-<digest>)`);
    const digest = match[1].replace(/-/g, '').toLowerCase();
    if (!getHashes().includes(digest)) throw new Error(`unsupported signature digest '${match[1]}'`);
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
