import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { KernelClient } from './support/kernel-client';
import { useKernel } from './support/kernel-fixture';

/*
 * NODE_EXTRA_CA_CERTS in the executor: Node starts without parsing the
 * certificates, yet a TypeScript cell's fetch and https trust them, and the
 * programs a cell runs still see the variable.
 */
describe('extra CA certificates (NODE_EXTRA_CA_CERTS) in TypeScript cells', function () {
  this.timeout(60000);
  let dir: string;
  let server: https.Server;
  let port: number;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockbook-extra-ca-'));
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=sockbook test CA');
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext');
    server = https.createServer({ key: fs.readFileSync(path.join(dir, 'server.key')), cert: fs.readFileSync(path.join(dir, 'server.pem')) }, (_req, res) => res.end('hello over TLS'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  const kernel = useKernel(() => ({ env: { NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem') } }));
  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fetch and https.get in a cell trust the extra CA; an untrusted server is still refused', async () => {
    const { reply, outputs } = await (kernel as KernelClient).execute(
      [
        `const body = await (await fetch('https://127.0.0.1:${port}/')).text();`,
        `const viaHttps = await new Promise<string>((resolve, reject) => require('node:https').get('https://127.0.0.1:${port}/', (res: any) => { let t = ''; res.on('data', (d: any) => (t += d)); res.on('end', () => resolve(t)); }).on('error', reject));`,
        `const refused = await new Promise<string>((resolve) => require('node:https').get({ host: '127.0.0.1', port: ${port}, ca: [...require('node:tls').rootCertificates] as string[] }, () => resolve('accepted')).on('error', (e: Error) => resolve(e.message)));`,
        'console.log(body, "|", viaHttps, "|", refused)',
      ].join('\n'),
    );
    assert.equal(reply.content.status, 'ok', JSON.stringify(reply.content));
    assert.match(KernelClient.streamText(outputs), /^hello over TLS \| hello over TLS \| .*(certificate|self.signed)/i);
  });

  it('the programs a cell starts see NODE_EXTRA_CA_CERTS', async () => {
    const { outputs } = await (kernel as KernelClient).execute('!echo "extra=$NODE_EXTRA_CA_CERTS"');
    assert.equal(KernelClient.streamText(outputs), `extra=${path.join(dir, 'ca.pem')}\n`);
    const inCell = await (kernel as KernelClient).execute('process.env.NODE_EXTRA_CA_CERTS');
    assert.deepEqual(inCell.outputs.find((m) => m.header.msg_type === 'execute_result')?.content.data, { 'text/plain': `'${path.join(dir, 'ca.pem')}'` });
  });
});
