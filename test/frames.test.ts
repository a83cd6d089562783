// The helper's frame format has one definition (FRAME_FORMATS in
// kernel/runner/frames.ts): the C program that writes the frames, the page
// that documents them and the decoder that reads them are held to it.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../kernel/paths';
import { decodeFrame, FRAME_FORMATS, FrameReader, type FrameType } from '../kernel/runner/frames';

const types = Object.keys(FRAME_FORMATS) as FrameType[];

/** Every frame native/c/sockbook-run.c sends, as [type, format]: the printf format, '' for none, 'bytes' for raw bytes. */
function framesSentByC(): [string, string][] {
  const source = readFileSync(path.join(projectRoot, 'native', 'c', 'sockbook-run.c'), 'utf8');
  const sent: [string, string][] = [];
  for (const m of source.matchAll(/send_text_frame\('(.)', "((?:[^"\\]|\\.)*)"/g)) sent.push([m[1], m[2]]);
  for (const m of source.matchAll(/send_frame\('(.)', ([^,]+), ([^)]+)\)/g)) sent.push([m[1], m[2].trim() === 'NULL' && m[3].trim() === '0' ? '' : 'bytes']);
  return sent;
}

function frame(type: string, payload: string | Buffer): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeUInt32LE(body.length, 1);
  return Buffer.concat([header, body]);
}

describe('the helper frame format, one definition', () => {
  it('native/c/sockbook-run.c sends each defined frame, and only in a defined format', () => {
    const sent = framesSentByC();
    assert.ok(sent.length >= types.length, `found ${sent.length} frame sends in the C program`);
    const undefinedFormats = sent.filter(([type, format]) => !(FRAME_FORMATS[type as FrameType]?.formats as readonly string[] | undefined)?.includes(format));
    assert.deepEqual(undefinedFormats, [], 'frames the C program writes that FRAME_FORMATS does not define');
    const neverSent = types.flatMap((type) => FRAME_FORMATS[type].formats.filter((format) => !sent.some(([t, f]) => t === type && f === format)).map((f) => `${type} "${f}"`));
    assert.deepEqual(neverSent, [], 'formats FRAME_FORMATS defines that the C program never writes');
  });

  it("the C program's own comment and docs/architecture.md list the same frame types, with the defined fields", () => {
    const source = readFileSync(path.join(projectRoot, 'native', 'c', 'sockbook-run.c'), 'utf8');
    const comment = source.slice(source.indexOf('// fd 4 (write) frames'), source.indexOf('#define _GNU_SOURCE'));
    assert.deepEqual([...comment.matchAll(/^\/\/ {3}'(.)'/gm)].map((m) => m[1]).sort(), [...types].sort());

    const page = readFileSync(path.join(projectRoot, 'docs', 'architecture.md'), 'utf8');
    const section = page.slice(page.indexOf('### fd 4: frames'), page.indexOf('`HelperProcess` turns frames'));
    const rows = new Map([...section.matchAll(/^\| `(.)` \| ([^|]+) \|/gm)].map((m) => [m[1], m[2]]));
    assert.deepEqual([...rows.keys()].sort(), [...types].sort(), 'the page documents exactly the defined frames');
    for (const type of types) assert.ok(rows.get(type)?.includes(FRAME_FORMATS[type].fields), `the page's ${type} row says ${FRAME_FORMATS[type].fields}: ${rows.get(type)}`);
  });

  it('decodes each payload as its format writes it, whatever the chunk boundaries', () => {
    const stream = Buffer.concat([
      frame('P', '4242'),
      frame('O', Buffer.from([0, 1, 2, 0xff])),
      frame('X', 'signal 9'),
      frame('X', 'exit 3'),
      frame('T', '2097152 0 /tmp/kept output'),
      frame('C', '5000 4095'),
      frame('E', 'fork: Resource temporarily unavailable'),
      frame('I', ''),
      frame('D', ''),
    ]);
    const reader = new FrameReader();
    const frames = [...stream].flatMap((byte) => reader.push(Buffer.from([byte])));
    assert.deepEqual(frames.map(decodeFrame), [
      { type: 'P', pid: 4242 },
      { type: 'O', bytes: Buffer.from([0, 1, 2, 0xff]) },
      { type: 'X', exit: { exitCode: null, signalNumber: 9 } },
      { type: 'X', exit: { exitCode: 3, signalNumber: null } },
      { type: 'T', totalBytes: 2097152, droppedBytes: 0, file: '/tmp/kept output' },
      { type: 'C', lineBytes: 5000, keptBytes: 4095 },
      { type: 'E', message: 'fork: Resource temporarily unavailable' },
      { type: 'I' },
      { type: 'D' },
    ]);
  });
});
