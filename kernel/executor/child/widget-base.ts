import process from 'node:process';
import { toJsonMap } from '../../base/json';
import { isDeepStrictEqual } from 'node:util';
import type { Comm, CommEvent, CommRegistry } from './comm-api';
import { jsonCopy, MIMEBUNDLE } from './rich-value';
import {
  CONTROL_TARGET,
  LAYOUT,
  MODEL_REFERENCE,
  type ModelSpec,
  WIDGET_PROTOCOL_VERSION,
  WIDGET_TARGET,
  WIDGET_VIEW_MIME,
  type WidgetState,
} from './widget-models';

/** What an observer gets, as traitlets gives it: the trait's name, its old and new value, and the widget. */
export interface WidgetChange<W = Widget> {
  name: string;
  old: unknown;
  new: unknown;
  owner: W;
  type: 'change';
}

export type Observer<W = Widget> = (change: WidgetChange<W>) => unknown;

/** Options every widget takes: the layout and style keys to set (camelCase or snake_case). */
export interface WidgetOptions {
  layout?: Record<string, unknown>;
  style?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * The open widgets of the executor, and the frontend's restore path: the
 * `jupyter.widget.control` target answers `request_states` with every
 * widget's state, as ipywidgets 8 does, so a reloaded page rebuilds them.
 * (The older path, comm_info then `request_state` on each comm, is answered
 * by the comms themselves.)
 */
export class WidgetRegistry {
  readonly widgets = new Map<string, Widget>();
  /** Promises the cell's handlers returned while a frontend message is handled; the message stays busy until they settle. */
  pending: Promise<unknown>[] | undefined;

  constructor(readonly comms: CommRegistry) {
    comms.registerTarget(CONTROL_TARGET, (control) => {
      control.on('msg', (message) => {
        if (message.data.method !== 'request_states') {
          console.error(`widgets: the control comm got an unknown method ${JSON.stringify(message.data.method)}`);
          return;
        }
        const states: Record<string, unknown> = {};
        for (const widget of this.widgets.values()) {
          const spec = widget.spec.state;
          states[widget.id] = {
            model_name: spec._model_name,
            model_module: spec._model_module,
            model_module_version: spec._model_module_version,
            state: widget.fullState(),
          };
        }
        control.send(toJsonMap({ method: 'update_states', states, buffer_paths: [] }));
      });
    });
  }
}

/**
 * Whether the frontend's updates are echoed (echo_update), as ipywidgets 8
 * does unless JUPYTER_WIDGETS_ECHO is set to a false value; the echo keeps
 * views in several frontends in step.
 */
const ECHO_UPDATES = !['no', 'n', 'false', 'off', '0', '0.0'].includes((process.env.JUPYTER_WIDGETS_ECHO ?? 'yes').toLowerCase());

/** snake_case state key of a camelCase option or property name. */
export function stateKey(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** camelCase property name of a state key. */
export function propertyName(key: string): string {
  return key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * One widget: a model of the frontend's, kept in step over a comm to
 * `jupyter.widget`. Setting a property here sends an `update`; an `update`
 * from the frontend sets the property, is echoed (`echo_update`, so the
 * frontend knows its change arrived) and fires the observers. A value the
 * widget corrects (a slider's value past max) is sent back as an `update`.
 */
export class Widget {
  readonly id: string;
  private readonly comm: Comm;
  private readonly state: WidgetState;
  private readonly observers: { names: Set<string> | '*'; observer: Observer<never> }[] = [];
  private readonly customListeners: ((content: Record<string, unknown>) => unknown)[] = [];
  /** What the frontend just sent, while it is applied: a property set to that value is not sent back. */
  private lock: WidgetState = {};
  readonly layout: Widget | undefined;
  readonly style: Widget | undefined;

  constructor(
    protected readonly registry: WidgetRegistry,
    readonly spec: ModelSpec,
    options: WidgetOptions = {},
  ) {
    const { layout, style, ...rest } = options ?? {};
    this.state = jsonCopy(spec.state) as WidgetState;
    if (spec.hasLayout) {
      this.layout = new Widget(registry, LAYOUT, expandBorder(layout ?? {}));
      defineProperties(this.layout, LAYOUT);
      this.state.layout = reference(this.layout);
    }
    if (spec.style) {
      this.style = new Widget(registry, spec.style, style ?? {});
      defineProperties(this.style, spec.style);
      this.state.style = reference(this.style);
    }
    for (const [name, value] of Object.entries(rest)) {
      const key = this.keyOf(name);
      this.state[key] = this.validate(key, value);
    }
    this.comm = registry.comms.open(WIDGET_TARGET, toJsonMap({ state: this.fullState(), buffer_paths: [] }), { version: WIDGET_PROTOCOL_VERSION });
    this.id = this.comm.id;
    registry.widgets.set(this.id, this);
    this.comm.on('msg', (message) => this.received(message));
    this.comm.on('close', () => registry.widgets.delete(this.id));
  }

  /** The state as the frontend holds it (a copy). */
  fullState(): WidgetState {
    return jsonCopy(this.state) as WidgetState;
  }

  /** A property's value, by state key. */
  get(key: string): unknown {
    if (!(key in this.state)) throw new TypeError(`${this.spec.className} has no property '${propertyName(key)}'`);
    return this.state[key];
  }

  /** Sets a property by state key: sends it to the frontend and fires the observers when it changed. */
  set(key: string, value: unknown): void {
    if (!(key in this.state)) throw new TypeError(`${this.spec.className} has no property '${propertyName(key)}'`);
    this.assign(key, this.validate(key, value));
  }

  /**
   * Calls `observer` after a property changes (from the kernel or the frontend).
   * `names`: the properties to watch (default 'value'; '*' for all).
   */
  observe(observer: Observer<this>, names: string | string[] = 'value'): this {
    if (typeof observer !== 'function') throw new TypeError(`${this.spec.className}.observe(observer, names) takes a function`);
    const list = Array.isArray(names) ? names : [names];
    const watched = list.includes('*') ? '*' : new Set(list.map((name) => this.observableName(name)));
    this.observers.push({ names: watched, observer: observer as Observer<never> });
    return this;
  }

  /** Stops calling `observer`. */
  unobserve(observer: Observer<this>): this {
    const index = this.observers.findIndex((entry) => entry.observer === (observer as Observer<never>));
    if (index >= 0) this.observers.splice(index, 1);
    return this;
  }

  /** Sends a custom message to the frontend's model. */
  send(content: Record<string, unknown>): void {
    this.comm.send(toJsonMap({ method: 'custom', content }));
  }

  /** Calls `listener` with each custom message of the frontend's model (a Button's clicks are custom messages). */
  onCustom(listener: (content: Record<string, unknown>) => unknown): this {
    this.customListeners.push(listener);
    return this;
  }

  /** Closes the widget's comm: its views disappear from the frontend. */
  close(): void {
    this.registry.widgets.delete(this.id);
    this.comm.close();
  }

  get closed(): boolean {
    return this.comm.closed;
  }

  /** How the widget is displayed: its view, with a text form for frontends without widgets. */
  [MIMEBUNDLE](): Record<string, unknown> {
    return {
      'text/plain': this.toString(),
      [WIDGET_VIEW_MIME]: { version_major: 2, version_minor: 0, model_id: this.id },
    };
  }

  toString(): string {
    const defaults = this.spec.state;
    const shown = Object.keys(this.state)
      .filter((key) => !key.startsWith('_') && key !== 'layout' && key !== 'style')
      .filter((key) => key === 'value' || !isDeepStrictEqual(this.state[key], defaults[key]))
      .sort()
      .map((key) => `${propertyName(key)}=${this.shownValue(this.state[key])}`);
    return `${this.spec.className}(${shown.join(', ')})`;
  }

  /** A value in the text form: the widgets it refers to (a box's children) by their own text form. */
  private shownValue(value: unknown): string {
    if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string' && item.startsWith(MODEL_REFERENCE))) {
      return `[${value.map((item: string) => this.registry.widgets.get(item.slice(MODEL_REFERENCE.length))?.toString() ?? item).join(', ')}]`;
    }
    return JSON.stringify(value);
  }

  /** Node's console.log and the cell's result show the widget's text form. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** The state key of a property or option name; a clear error for one the model does not have. */
  protected keyOf(name: string): string {
    if (name in this.state) return name;
    const key = stateKey(name);
    if (key in this.state && !key.startsWith('_')) return key;
    throw new TypeError(`${this.spec.className} has no property '${name}'`);
  }

  /** What observe() watches for a name: a state key, or a property computed from the state (a Dropdown's value). */
  private observableName(name: string): string {
    if (typeof name === 'string' && !(name in this.state) && !(stateKey(name) in this.state) && name in this) return name;
    return this.keyOf(name);
  }

  /** Checks and converts a value for a key; subclasses add their rules. Throws on a value the model cannot hold. */
  protected validate(key: string, value: unknown): unknown {
    const current = this.state[key];
    if (current === null || value === null) return jsonCopy(value);
    if (typeof current !== typeof value) {
      throw new TypeError(`${this.spec.className}.${propertyName(key)} takes a ${typeof current}, got ${describe(value)}`);
    }
    return jsonCopy(value);
  }

  /** Stores a validated value; sends it unless the frontend just sent exactly it; fires the observers. */
  protected assign(key: string, value: unknown): void {
    const old = this.state[key];
    if (isDeepStrictEqual(old, value)) return;
    this.state[key] = value;
    if (!(key in this.lock && isDeepStrictEqual(this.lock[key], value)) && !this.comm.closed) {
      this.comm.send(toJsonMap({ method: 'update', state: { [key]: value }, buffer_paths: [] }));
    }
    this.changed(key, old, value);
  }

  /** Fires the observers of `name` (a state key, or a derived property such as a Dropdown's value). */
  protected changed(name: string, old: unknown, value: unknown): void {
    const change: WidgetChange<never> = { name: propertyName(name), old, new: value, owner: this as never, type: 'change' };
    for (const { names, observer } of [...this.observers]) {
      if (names !== '*' && !names.has(name)) continue;
      this.call(() => observer(change), `an observer of ${this.spec.className}.${propertyName(name)}`);
    }
  }

  /** Runs a handler of the cell's: an error is shown on stderr (the widget keeps working); a promise keeps the frontend's message busy. */
  protected call(handler: () => unknown, what: string): void {
    const failed = (error: unknown) => console.error(`Error in ${what}: ${(error as Error)?.stack ?? String(error)}`);
    try {
      const result = handler();
      if (result instanceof Promise) {
        const handled = result.catch(failed);
        this.registry.pending?.push(handled);
      }
    } catch (error) {
      failed(error);
    }
  }

  private received(message: CommEvent): Promise<unknown> | undefined {
    const data = message.data;
    const pending: Promise<unknown>[] = [];
    this.registry.pending = pending;
    try {
      switch (data.method) {
        case 'update':
          this.applyFromFrontend(isRecord(data.state) ? data.state : {});
          break;
        case 'request_state':
          this.comm.send(toJsonMap({ method: 'update', state: this.fullState(), buffer_paths: [] }));
          break;
        case 'custom': {
          const content = isRecord(data.content) ? data.content : {};
          for (const listener of [...this.customListeners]) this.call(() => listener(content), `a ${this.spec.className} handler`);
          break;
        }
        default:
          console.error(`widgets: ${this.spec.className} got an unknown method ${JSON.stringify(data.method)} from the frontend`);
      }
      return pending.length > 0 ? Promise.all(pending) : undefined;
    } finally {
      this.registry.pending = undefined;
    }
  }

  /** The frontend changed the model: echo it at once (ipywidgets 8's echo_update), then set each property. */
  private applyFromFrontend(sent: WidgetState): void {
    const known = Object.fromEntries(Object.entries(sent).filter(([key]) => key in this.state));
    if (ECHO_UPDATES && Object.keys(known).length > 0) this.comm.send(toJsonMap({ method: 'echo_update', state: known, buffer_paths: [] }));
    this.lock = known;
    try {
      for (const [key, value] of Object.entries(known)) {
        let accepted: unknown;
        try {
          accepted = this.validate(key, value);
        } catch (error) {
          // The frontend is told the value it keeps showing is not the model's.
          console.error(`widgets: ${(error as Error).message}; keeping ${JSON.stringify(this.state[key])}`);
          this.comm.send(toJsonMap({ method: 'update', state: { [key]: this.state[key] }, buffer_paths: [] }));
          continue;
        }
        const before = this.state[key];
        this.assign(key, accepted);
        // A corrected value (a slider's past max) is sent back even when the model already held it.
        if (!isDeepStrictEqual(accepted, value) && isDeepStrictEqual(before, accepted)) {
          this.comm.send(toJsonMap({ method: 'update', state: { [key]: accepted }, buffer_paths: [] }));
        }
      }
    } finally {
      this.lock = {};
    }
  }
}

/** A layout's `border` stands for its four sides, as in ipywidgets. */
function expandBorder(layout: Record<string, unknown>): Record<string, unknown> {
  if (!isRecord(layout) || !('border' in layout)) return layout;
  const { border, ...rest } = layout;
  return { border_top: border, border_right: border, border_bottom: border, border_left: border, ...rest };
}

/** Defines a camelCase accessor on `prototype` (or one widget) for each state key of `spec` (not the private ones). */
export function defineProperties(prototype: object, spec: ModelSpec, skip: string[] = []): void {
  for (const key of Object.keys(spec.state)) {
    if (key.startsWith('_') || key === 'layout' || key === 'style' || skip.includes(key)) continue;
    const name = propertyName(key);
    if (Object.prototype.hasOwnProperty.call(prototype, name)) continue;
    Object.defineProperty(prototype, name, {
      get(this: Widget) {
        return this.get(key);
      },
      set(this: Widget, value: unknown) {
        this.set(key, value);
      },
      configurable: true,
      enumerable: false,
    });
  }
}

export function reference(widget: Widget): string {
  return `${MODEL_REFERENCE}${widget.id}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `${typeof value} ${JSON.stringify(value) ?? String(value)}`;
}
