import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DebugBody } from '../interpreter/debug';
import { DapError, type DapEvaluation, type DapScope, type DapSource, type DapStackFrame, type DapVariable } from './dap';
import { Handles } from './handles';
import { InspectorLink, type CdpParams } from './inspector-link';

/** The one thread of TypeScript cells: the executor's main thread. */
export const TYPESCRIPT_THREAD_ID = 1;

/** The hidden global the executor defines when its relay starts (kernel/executor/child/debug-relay-host.ts). */
const HELPER = 'globalThis.__sockbookDebug';
/** Most properties one expanded value lists (a 64 KB Buffer has 65536). */
const MAX_CHILDREN = 300;

interface RemoteObject {
  type: string;
  subtype?: string;
  className?: string;
  value?: unknown;
  unserializableValue?: string;
  description?: string;
  objectId?: string;
}

interface CallFrame {
  callFrameId: string;
  functionName: string;
  location: { scriptId: string; lineNumber: number; columnNumber?: number };
  scopeChain: { type: string; name?: string; object: RemoteObject }[];
}

interface PropertyDescriptor {
  name: string;
  value?: RemoteObject;
  enumerable?: boolean;
  isOwn?: boolean;
}

type Handle = { kind: 'frame'; frame: CallFrame } | { kind: 'object'; objectId: string } | { kind: 'globals' };

export interface TypeScriptHooks {
  /** The executor's relay socket; started (with the executor) when `start`. */
  relay(start: boolean): Promise<{ socketPath: string } | undefined>;
  /** A DAP event for the frontend. */
  emit(event: string, body: DebugBody): void;
  /** The breakpoint lines of every file, as the frontend last set them. */
  breakpoints(): ReadonlyMap<string, number[]>;
  isCellFile(file: string): boolean;
  log(text: string): void;
}

/** Scripts of the kernel's own code and Node's: stepping passes through them, the stack leaves them out. */
const OWN_CODE = new RegExp(`^(node:|${escapeRegExp(pathToFileURL(path.resolve(__dirname, '..')).href)}/)`);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * TypeScript cells under the debugger: the Debug Adapter Protocol requests
 * turned into Chrome DevTools Protocol commands for the V8 inspector of the
 * executor child, through its relay (an inspector session on a worker
 * thread there), and the inspector's paused/resumed into DAP events.
 */
export class TypeScriptTarget {
  private link: InspectorLink | undefined;
  private linking: Promise<InspectorLink | undefined> | undefined;
  private paused: { frames: CallFrame[] } | undefined;
  private readonly scriptUrls = new Map<string, string>();
  /** The inspector's breakpoint ids, by file. */
  private readonly breakpointIds = new Map<string, string[]>();
  private lastCommand: 'step' | 'pause' | undefined;
  private pauseOnExceptions: 'none' | 'all' = 'none';
  private readonly handles = new Handles<Handle>(1, 1_000_000);
  /** Set by an interrupt of a paused cell: every pause is skipped until the next cell starts. */
  private skippingPauses = false;

  constructor(private readonly hooks: TypeScriptHooks) {}

  get isPaused(): boolean {
    return this.paused !== undefined;
  }

  owns(reference: number): boolean {
    return this.handles.owns(reference);
  }

  /** Before a TypeScript cell runs under the debugger: the relay is up, the breakpoints are in, no pause is skipped. */
  async prepareCell(): Promise<void> {
    const link = await this.connect(true);
    if (!link || !this.skippingPauses) return;
    this.skippingPauses = false;
    await link.send('Debugger.setSkipAllPauses', { skip: false });
  }

  /** The frontend set the breakpoints of one file: the inspector gets them now if it is linked (else when it links). */
  async setBreakpoints(file: string, lines: number[]): Promise<void> {
    const link = this.link;
    if (link?.isOpen) await this.installBreakpoints(link, file, lines);
  }

  async setExceptionBreakpoints(filters: string[]): Promise<void> {
    this.pauseOnExceptions = filters.includes('all') ? 'all' : 'none';
    await this.link?.send('Debugger.setPauseOnExceptions', { state: this.pauseOnExceptions });
  }

  stackTrace(): DapStackFrame[] {
    if (!this.paused) return [];
    const frames: DapStackFrame[] = [];
    for (const frame of this.paused.frames) {
      const url = this.scriptUrls.get(frame.location.scriptId) ?? '';
      if (OWN_CODE.test(url)) continue;
      const source = this.sourceOf(url);
      const inCell = source?.path !== undefined && this.hooks.isCellFile(source.path);
      // The script's own top level only calls the cell's async wrapper (on the line after the cell's last).
      if (inCell && !frame.scopeChain.some((scope) => scope.type === 'local')) continue;
      frames.push({
        id: this.handles.add({ kind: 'frame', frame }),
        name: frame.functionName || (inCell ? '<cell>' : '<anonymous>'),
        line: frame.location.lineNumber + 1,
        column: (frame.location.columnNumber ?? 0) + 1,
        ...(source ? { source } : {}),
      });
    }
    return frames;
  }

  scopes(frameId: number): DapScope[] {
    const frame = this.frameOf(frameId);
    const scopes: DapScope[] = [];
    for (const scope of frame.scopeChain) {
      if (scope.type === 'global' || !scope.object.objectId) continue;
      const name = scope.type === 'local' ? 'Locals' : `${scope.type[0]?.toUpperCase()}${scope.type.slice(1)}${scope.name ? ` ${scope.name}` : ''}`;
      scopes.push({
        name,
        variablesReference: this.handles.add({ kind: 'object', objectId: scope.object.objectId }),
        expensive: false,
        ...(scope.type === 'local' ? { presentationHint: 'locals' as const } : {}),
      });
    }
    scopes.push({ name: 'Globals', variablesReference: this.handles.add({ kind: 'globals' }), expensive: false });
    return scopes;
  }

  async variables(reference: number): Promise<DapVariable[]> {
    const link = this.requireLink();
    const handle = this.handles.get(reference);
    if (!handle || handle.kind === 'frame') throw new DapError(`no variables with reference ${reference} (the program ran on since)`);
    const objectId = handle.kind === 'globals' ? await this.userGlobals(link) : handle.objectId;
    const { result } = await link.send<{ result: PropertyDescriptor[] }>('Runtime.getProperties', { objectId, ownProperties: true });
    const shown = result.filter((p) => p.value !== undefined && (p.enumerable || p.name === 'length' || handle.kind !== 'object' || p.isOwn));
    const listed = shown.slice(0, MAX_CHILDREN);
    const variables = await Promise.all(listed.map((p) => this.variable(link, p.name, p.value as RemoteObject)));
    if (shown.length > listed.length) variables.push({ name: '…', value: `${shown.length - listed.length} more not shown`, variablesReference: 0 });
    return variables;
  }

  /** The globals cells defined, stopped or not (inspectVariables). */
  async globals(): Promise<DapVariable[]> {
    const link = await this.connect(false);
    if (!link) return [];
    const reference = this.handles.add({ kind: 'globals' });
    return this.variables(reference);
  }

  async evaluate(expression: string, frameId: number | undefined): Promise<DapEvaluation> {
    const link = await this.connect(true);
    if (!link) throw new DapError('the TypeScript executor is not running');
    const value = await this.evaluateRaw(link, expression, frameId);
    const variable = await this.variable(link, expression, value);
    return { result: variable.value, ...(variable.type ? { type: variable.type } : {}), variablesReference: variable.variablesReference };
  }

  /** richInspectVariables: the value as util.inspect shows it in full. */
  async richInspect(expression: string, frameId: number | undefined): Promise<{ data: DebugBody; metadata: DebugBody }> {
    const link = await this.connect(false);
    if (!link) return { data: {}, metadata: {} };
    const value = await this.evaluateRaw(link, expression, frameId);
    const text = value.objectId ? await this.callHelper(link, value.objectId, 'showRich') : this.primitiveText(value);
    return { data: { 'text/plain': text }, metadata: {} };
  }

  async resume(): Promise<void> {
    this.lastCommand = undefined;
    await this.requireLink().send('Debugger.resume');
  }

  async step(how: 'next' | 'stepIn' | 'stepOut'): Promise<void> {
    const method = how === 'next' ? 'Debugger.stepOver' : how === 'stepIn' ? 'Debugger.stepInto' : 'Debugger.stepOut';
    this.lastCommand = 'step';
    await this.requireLink().send(method);
  }

  async pause(): Promise<void> {
    this.lastCommand = 'pause';
    await this.requireLink().send('Debugger.pause');
  }

  /** The cell is interrupted: a paused cell runs on, past every breakpoint, so the interrupt can end it. */
  async interrupted(): Promise<void> {
    const link = this.link;
    if (!link?.isOpen || !this.paused) return;
    this.skippingPauses = true;
    await link.send('Debugger.setSkipAllPauses', { skip: true });
    await link.send('Debugger.resume');
  }

  /** The debugger stops: the relay's session goes, and with it its breakpoints and any pause. */
  disconnect(): void {
    this.link?.close();
    this.link = undefined;
    this.linking = undefined;
    this.breakpointIds.clear();
    if (this.paused) this.resumed();
  }

  private requireLink(): InspectorLink {
    if (!this.link?.isOpen) throw new DapError('no TypeScript cell is being debugged');
    return this.link;
  }

  private frameOf(frameId: number): CallFrame {
    const handle = this.handles.get(frameId);
    if (handle?.kind !== 'frame') throw new DapError(`no stack frame ${frameId} (the program ran on since)`);
    return handle.frame;
  }

  private connect(start: boolean): Promise<InspectorLink | undefined> {
    if (this.link?.isOpen) return Promise.resolve(this.link);
    this.linking ??= this.open(start).finally(() => (this.linking = undefined));
    return this.linking;
  }

  private async open(start: boolean): Promise<InspectorLink | undefined> {
    const relay = await this.hooks.relay(start);
    if (!relay) return undefined;
    const link = await InspectorLink.connect(relay.socketPath, (method, params) => this.notified(method, params));
    link.onClose(() => this.lost(link));
    this.breakpointIds.clear();
    this.scriptUrls.clear();
    this.skippingPauses = false;
    await link.send('Debugger.enable');
    await link.send('Debugger.setBlackboxPatterns', { patterns: [OWN_CODE.source] });
    await link.send('Debugger.setPauseOnExceptions', { state: this.pauseOnExceptions });
    for (const [file, lines] of this.hooks.breakpoints()) await this.installBreakpoints(link, file, lines);
    this.link = link;
    return link;
  }

  private async installBreakpoints(link: InspectorLink, file: string, lines: number[]): Promise<void> {
    for (const id of this.breakpointIds.get(file) ?? []) await link.send('Debugger.removeBreakpoint', { breakpointId: id }).catch(() => undefined);
    const url = pathToFileURL(file).href;
    const ids: string[] = [];
    for (const line of lines) {
      const { breakpointId } = await link.send<{ breakpointId: string }>('Debugger.setBreakpointByUrl', { url, lineNumber: line - 1 });
      ids.push(breakpointId);
    }
    this.breakpointIds.set(file, ids);
  }

  private lost(link: InspectorLink): void {
    if (this.link !== link) return;
    this.link = undefined;
    this.breakpointIds.clear();
    if (this.paused) this.resumed();
  }

  private notified(method: string, params: CdpParams): void {
    switch (method) {
      case 'Debugger.scriptParsed':
        this.scriptUrls.set(String(params.scriptId), String(params.url ?? ''));
        return;
      case 'Debugger.paused': {
        this.handles.clear();
        this.paused = { frames: (params.callFrames as CallFrame[] | undefined) ?? [] };
        const hit = Array.isArray(params.hitBreakpoints) && params.hitBreakpoints.length > 0;
        const cdpReason = String(params.reason ?? 'other');
        const reason =
          cdpReason === 'exception' || cdpReason === 'promiseRejection' ? 'exception' : hit ? 'breakpoint' : (this.lastCommand ?? 'pause');
        this.lastCommand = undefined;
        this.hooks.emit('stopped', { reason, threadId: TYPESCRIPT_THREAD_ID, allThreadsStopped: false, preserveFocusHint: false });
        return;
      }
      case 'Debugger.resumed':
        this.resumed();
        return;
    }
  }

  private resumed(): void {
    this.paused = undefined;
    this.handles.clear();
    this.hooks.emit('continued', { threadId: TYPESCRIPT_THREAD_ID, allThreadsContinued: false });
  }

  private sourceOf(url: string): DapSource | undefined {
    if (!url.startsWith('file:')) return url ? { name: url } : undefined;
    const file = fileURLToPath(url);
    return { name: path.basename(file), path: file };
  }

  private async userGlobals(link: InspectorLink): Promise<string> {
    const { result } = await link.send<{ result: RemoteObject }>('Runtime.evaluate', { expression: `${HELPER}.userGlobals()`, silent: true });
    if (!result.objectId) throw new DapError('the globals of the cells cannot be read');
    return result.objectId;
  }

  private async evaluateRaw(link: InspectorLink, expression: string, frameId: number | undefined): Promise<RemoteObject> {
    const frame = frameId !== undefined && this.paused ? this.frameOf(frameId) : this.paused?.frames[0];
    const reply = frame
      ? await link.send<{ result: RemoteObject; exceptionDetails?: { exception?: RemoteObject; text?: string } }>('Debugger.evaluateOnCallFrame', {
          callFrameId: frame.callFrameId,
          expression,
          silent: true,
        })
      : await link.send<{ result: RemoteObject; exceptionDetails?: { exception?: RemoteObject; text?: string } }>('Runtime.evaluate', {
          expression,
          silent: true,
          replMode: true,
          awaitPromise: false,
        });
    if (reply.exceptionDetails) {
      const thrown = reply.exceptionDetails.exception;
      throw new DapError(thrown?.description?.split('\n')[0] ?? reply.exceptionDetails.text ?? 'the expression threw');
    }
    return reply.result;
  }

  private async variable(link: InspectorLink, name: string, value: RemoteObject): Promise<DapVariable> {
    const type = value.subtype && value.subtype !== 'null' ? value.subtype : value.className && value.type === 'object' ? value.className : value.type;
    if (!value.objectId) return { name, value: this.primitiveText(value), type, variablesReference: 0, evaluateName: name };
    const text = value.type === 'function' ? (value.description ?? 'function').split('\n')[0] ?? 'function' : await this.callHelper(link, value.objectId, 'show');
    // Functions are not expanded: their properties are noise to a student.
    const variablesReference = value.type === 'function' ? 0 : this.handles.add({ kind: 'object', objectId: value.objectId });
    return { name, value: text, type, variablesReference, evaluateName: name };
  }

  private async callHelper(link: InspectorLink, objectId: string, method: 'show' | 'showRich'): Promise<string> {
    const reply = await link
      .send<{ result: RemoteObject }>('Runtime.callFunctionOn', {
        objectId,
        functionDeclaration: `function () { return ${HELPER}.${method}(this); }`,
        returnByValue: true,
        silent: true,
      })
      .catch(() => undefined);
    const shown = reply?.result.value;
    return typeof shown === 'string' ? shown : (reply?.result.description ?? 'object');
  }

  private primitiveText(value: RemoteObject): string {
    if (value.type === 'string') return JSON.stringify(value.value);
    if (value.type === 'undefined') return 'undefined';
    if (value.subtype === 'null') return 'null';
    // koffi gives pointers as BigInt addresses: the hex form is the one a C programmer reads.
    if (value.type === 'bigint' && value.unserializableValue !== undefined) {
      const digits = value.unserializableValue.replace(/n$/, '');
      return /^\d+$/.test(digits) ? `${value.unserializableValue} (0x${BigInt(digits).toString(16)})` : value.unserializableValue;
    }
    if (value.unserializableValue !== undefined) return value.unserializableValue;
    if (value.value !== undefined) return String(value.value);
    return value.description ?? value.type;
  }
}
