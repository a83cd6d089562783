import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { encodeMessage, newHeader } from '../kernel/wire/codec';
import type { JsonObject } from '../kernel/wire/message';
import { Signer } from '../kernel/wire/signer';
import { KernelClient } from './support/kernel-client';
import { useKernel } from './support/kernel-fixture';

/*
 * 10,000 seeded random and mutated messages on shell, control and stdin,
 * over real ZeroMQ: bad JSON, wrong field types, missing and extra frames,
 * 1 MB strings, bad and replayed signatures. The kernel stays alive,
 * nothing wrongly signed or replayed runs, and every correctly signed
 * request gets a reply with its msg_id as parent.
 */

const COUNT = 10000;
const SEED = 0x5eed11;
const MB = 1 << 20;

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function generator(seed: number): { next(): number; int(n: number): number; pick<T>(items: readonly T[]): T } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (items) => items[Math.floor(next() * items.length)] };
}

type Channel = 'shell' | 'control' | 'stdin';

interface Planned {
  channel: Channel;
  frames: Buffer[];
  /** The msg_id a reply must name as parent; undefined when no reply is due. */
  expectReply?: string;
  /** What it is, for the failure message. */
  what?: string;
  /** The file an execute appends to. */
  file?: string;
  /** A replay: its frames are an answered execute's, chosen when it is sent. */
  replay?: boolean;
}

describe('fuzz: random and mutated messages on shell, control and stdin', function () {
  this.timeout(600000);
  const kernel = useKernel();

  it(`stays alive through ${COUNT} messages, runs nothing wrongly signed, answers every signed request`, async () => {
    const rnd = generator(SEED);
    const forger = new Signer('hmac-sha256', 'not-the-key');
    const junk = (n: number) => Buffer.from(Array.from({ length: n }, () => rnd.int(256)));
    const randomValue = (): unknown =>
      rnd.pick([() => rnd.int(1000), () => 'x'.repeat(rnd.int(20)), () => null, () => true, () => [1, 'a'], () => ({ a: { b: 1 } }), () => -1.5])();
    let replayFiles = 0;
    let forgedCount = 0;

    const build = (msgType: string, content: JsonObject, signer: Signer = kernel.signer, buffers: Buffer[] = []) => {
      const header = newHeader(msgType, kernel.session, 'fuzz');
      const frames = encodeMessage({ identities: [], header, parent_header: {}, metadata: {}, content, buffers }, signer);
      return { frames, msgId: header.msg_id };
    };

    /** A request the kernel must answer: valid, or with fields of the wrong type, or extra frames (buffers), or a 1 MB string. */
    const signedRequest = (): Planned => {
      const channel: Channel = rnd.next() < 0.8 ? 'shell' : 'control';
      const shellTypes: [string, () => JsonObject][] = [
        ['kernel_info_request', () => ({})],
        ['is_complete_request', () => ({ code: rnd.pick(['1 +', 'x', '%%cpp a.c', randomValue()]) as string })],
        ['history_request', () => ({ hist_access_type: rnd.pick(['tail', 'range', 'search', randomValue()]) as string, n: randomValue() as number, pattern: rnd.pick(['*', '*a*', randomValue()]) as string })],
        ['comm_info_request', () => ({ target_name: randomValue() as string })],
      ];
      // Interrupts are rarer: each stops whatever cell runs.
      const control: [string, () => JsonObject] = rnd.next() < 0.05 ? ['interrupt_request', () => ({})] : ['kernel_info_request', () => ({})];
      const [msgType, content] = channel === 'shell' ? rnd.pick(shellTypes) : control;
      const body = content();
      const roll = rnd.next();
      if (roll < 0.01) body.padding = 'p'.repeat(MB); // a 1 MB string
      else if (roll < 0.1) body[rnd.pick(['code', 'silent', 'cursor_pos', 'n', 'extra'])] = randomValue();
      const buffers = rnd.next() < 0.05 ? [junk(rnd.int(64))] : [];
      const { frames, msgId } = build(msgType, body, kernel.signer, buffers);
      return { channel, frames, expectReply: msgId, what: `${msgType} on ${channel}: ${JSON.stringify(body).slice(0, 200)}, ${buffers.length} buffers` };
    };

    /** An execute that appends a line to its own file: run once, never again by a replay. */
    const signedExecute = (): Planned => {
      const file = `replay-${replayFiles++}`;
      const { frames, msgId } = build('execute_request', { code: `!echo ran >> ${file}`, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: false });
      return { channel: 'shell', frames, expectReply: msgId, what: `execute_request appending to ${file}`, file };
    };

    /** Code that leaves a marker, in a message that must never run. */
    const origins: string[] = [];
    const forgedCode = (origin = 'forged') => {
      origins.push(origin);
      return `!touch forged-${forgedCount++}`;
    };
    const forged = (): Planned => {
      const channel = rnd.pick<Channel>(['shell', 'control', 'stdin']);
      const msgType = rnd.pick(['execute_request', 'shutdown_request', 'kernel_info_request', 'input_reply']);
      const kind = rnd.int(6);
      const content: JsonObject = { code: forgedCode(`forged ${kind} ${msgType} on ${channel}`), silent: false, restart: false, value: 'v' };
      const { frames } = build(msgType, content);
      const at = frames.indexOf(frames.find((f) => f.toString() === '<IDS|MSG>') as Buffer);
      const mutated = frames.map((f) => Buffer.from(f));
      switch (kind) {
        case 0: // wrong key
          return { channel, frames: build(msgType, content, forger).frames };
        case 1: // a flipped byte in the signature
          mutated[at + 1][rnd.int(mutated[at + 1].length)] ^= 1 + rnd.int(255);
          break;
        case 2: // a changed byte in header, parent, metadata or content
          {
            const frame = mutated[at + 2 + rnd.int(4)];
            if (frame.length > 0) frame[rnd.int(frame.length)] ^= 1 + rnd.int(255);
            else mutated[at + 2] = Buffer.from('{"x":1}');
          }
          break;
        case 3: // no signature at all
          mutated[at + 1] = Buffer.alloc(0);
          break;
        case 4: // the signature of another message
          mutated[at + 1] = Buffer.from(kernel.signer.sign([Buffer.from('{}'), Buffer.from('{}'), Buffer.from('{}'), Buffer.from('{}')]));
          break;
        default: // a huge content, badly signed
          mutated[at + 5] = Buffer.from(JSON.stringify({ code: forgedCode(), junk: 'j'.repeat(rnd.next() < 0.05 ? MB : 100) }));
      }
      return { channel, frames: mutated };
    };

    /** Frames no message can be made of: bad JSON, missing or shuffled frames, no delimiter, random bytes. */
    const malformed = (): Planned => {
      const channel = rnd.pick<Channel>(['shell', 'control', 'stdin']);
      const kind = rnd.int(6);
      const { frames } = build(rnd.pick(['execute_request', 'kernel_info_request']), { code: forgedCode(`malformed ${kind} on ${channel}`) });
      const at = frames.findIndex((f) => f.toString() === '<IDS|MSG>');
      switch (kind) {
        case 0: {
          const body = [Buffer.from('{not json'), Buffer.from('{}'), Buffer.from('{}'), Buffer.from(`{"code": "${forgedCode()}"`)];
          return { channel, frames: [Buffer.from('<IDS|MSG>'), Buffer.from(kernel.signer.sign(body)), ...body] };
        }
        case 1: {
          // a frame missing
          const missing = at + 1 + rnd.int(5);
          return { channel, frames: frames.filter((_, i) => i !== missing) };
        }
        case 2: // no delimiter
          return { channel, frames: frames.filter((_, i) => i !== at) };
        case 3:
          return { channel, frames: Array.from({ length: 1 + rnd.int(8) }, () => junk(rnd.int(200))) };
        case 4: {
          // JSON of the wrong shape, correctly signed: an array header, a header without msg_id.
          const body = [Buffer.from(rnd.pick(['[]', '{"msg_type":"execute_request"}', '"s"', 'null'])), Buffer.from('{}'), Buffer.from('[]'), Buffer.from(JSON.stringify({ code: forgedCode() }))];
          return { channel, frames: [Buffer.from('<IDS|MSG>'), Buffer.from(kernel.signer.sign(body)), ...body] };
        }
        default: // the delimiter and nothing after it
          return { channel, frames: frames.slice(0, at + 1) };
      }
    };

    /**
     * A byte-identical copy of a correctly signed execute that was already
     * answered (a copy sent earlier, on another socket, could overtake it).
     */
    const replay = (): Planned => ({ channel: rnd.pick<Channel>(['shell', 'control', 'shell']), frames: [], replay: true });
    const answeredOriginals: Buffer[][] = [];

    /** Correctly signed input_replies that answer nothing: ignored. */
    const strayInput = (): Planned => ({ channel: 'stdin', frames: build('input_reply', { value: randomValue() as string }).frames });

    const plan: Planned[] = [];
    while (plan.length < COUNT) {
      const roll = rnd.next();
      const next =
        roll < 0.4 ? signedRequest() : roll < 0.405 ? signedExecute() : roll < 0.65 ? forged() : roll < 0.85 ? malformed() : roll < 0.95 ? replay() : strayInput();
      plan.push(next);
    }

    const started = Date.now();
    const pending = new Set<Promise<void>>();
    const unanswered: string[] = [];
    const executeStatus = new Map<string, unknown>();
    let replays = 0;
    for (const item of plan) {
      if (item.expectReply) {
        const msgId = item.expectReply;
        const answered = kernel.reply(msgId, 60000).then(
          (reply) => {
            assert.equal(reply.parent_header.msg_id, msgId);
            if (item.file) {
              executeStatus.set(item.file, reply.content.status);
              answeredOriginals.push(item.frames);
            }
          },
          () => void unanswered.push(item.what ?? msgId),
        );
        const tracked: Promise<void> = answered.finally(() => pending.delete(tracked));
        pending.add(tracked);
      }
      if (item.replay) {
        if (answeredOriginals.length === 0) continue;
        item.frames = rnd.pick(answeredOriginals).map((f) => Buffer.from(f));
        replays++;
      }
      await kernel.sendFrames(item.channel, item.frames);
      // A window of outstanding requests keeps every queue far from its high-water mark.
      while (pending.size >= 200) await Promise.race(pending);
    }
    await Promise.all(pending);
    const elapsed = Date.now() - started;

    assert.equal(kernel.process.exitCode, null, `the kernel exited: ${kernel.stderr.slice(-2000)}`);
    assert.equal(kernel.process.signalCode, null);
    const notable = kernel.stderr.split('\n').filter((l) => !/dropped a message|ignored|should be|using the default/.test(l));
    assert.deepEqual(unanswered, [], `${unanswered.length} signed requests got no reply; the kernel's log:\n${notable.slice(-40).join('\n')}`);
    const { reply, outputs } = await kernel.execute('!echo alive');
    assert.equal(reply.content.status, 'ok');
    assert.equal(KernelClient.streamText(outputs), 'alive\n');

    const markers = readdirSync(kernel.dir).filter((name) => name.startsWith('forged-'));
    assert.deepEqual(markers.map((m) => `${m}: ${origins[Number(m.slice('forged-'.length))]}`), [], 'a wrongly signed or malformed message ran');
    // An execute runs once (unless a signed interrupt_request stopped it first); its replays never run.
    let ranOk = 0;
    for (let i = 0; i < replayFiles; i++) {
      const name = `replay-${i}`;
      const file = path.join(kernel.dir, name);
      const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
      if (executeStatus.get(name) === 'ok') {
        assert.equal(text, 'ran\n', `${name}: ran once, and its replays never`);
        ranOk++;
      } else {
        assert.ok(text === '' || text === 'ran\n', `${name} (${String(executeStatus.get(name))}): ${JSON.stringify(text)}`);
      }
    }
    assert.ok(ranOk > replayFiles / 3, `only ${ranOk} of ${replayFiles} executes ran`);
    assert.match(kernel.stderr, /replayed message/);
    assert.ok(forgedCount > 1000 && replayFiles > 20 && replays > 500, `forged ${forgedCount}, executes ${replayFiles}, replays ${replays}`);
    process.stdout.write(`      ${COUNT} messages in ${elapsed} ms (seed ${SEED})\n`);
  });
});
