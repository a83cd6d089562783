import { KEYBOARD_INTERRUPT, KeyboardInterrupt } from '../../interpreter/keyboard-interrupt';
import { currentRequest } from './comm-api';
import type { Display } from './display-api';
import { DISPLAY_HANDLE, richValueOf } from './rich-value';
import { defineProperties, describe, isRecord, reference, Widget, type WidgetOptions, type WidgetRegistry } from './widget-base';
import { MODEL_REFERENCE, MODELS, type ModelSpec } from './widget-models';

/*
 * The `widgets` built-in: the ipywidgets 8 controls a lesson needs, with
 * their properties in camelCase (slider.value, slider.continuousUpdate) and
 * the frontend's model in step both ways.
 */

function numberOf(widget: string, key: string, value: unknown, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${widget}.${key} takes a number, got ${describe(value)}`);
  return integer ? Math.trunc(value) : value;
}

/** Sliders and Play: a number kept between min and max, as ipywidgets' bounded traits keep it. */
class BoundedNumber extends Widget {
  declare value: number;
  declare min: number;
  declare max: number;
  declare step: number;
  declare description: string;
  declare disabled: boolean;

  constructor(registry: WidgetRegistry, spec: ModelSpec, options: WidgetOptions) {
    super(registry, spec, orderBounds(options));
  }

  /** (A getter: validate() runs in the base constructor, before fields of this class exist.) */
  private get integer(): boolean {
    return this.spec !== MODELS.FloatSlider;
  }

  protected override validate(key: string, value: unknown): unknown {
    if (key === 'value') {
      const n = numberOf(this.spec.className, key, value, this.integer);
      return Math.min(Math.max(n, this.get('min') as number), this.get('max') as number);
    }
    if (key === 'min' || key === 'max' || key === 'step') {
      const n = numberOf(this.spec.className, key, value, this.integer);
      if (key === 'min' && n > (this.get('max') as number)) throw new RangeError(`${this.spec.className}.min (${n}) must not exceed max (${String(this.get('max'))})`);
      if (key === 'max' && n < (this.get('min') as number)) throw new RangeError(`${this.spec.className}.max (${n}) must not be below min (${String(this.get('min'))})`);
      return n;
    }
    return super.validate(key, value);
  }

  protected override assign(key: string, value: unknown): void {
    super.assign(key, value);
    // A new bound moves a value that falls outside it, as ipywidgets does.
    if (key === 'min' || key === 'max') {
      const current = this.get('value') as number;
      const kept = Math.min(Math.max(current, this.get('min') as number), this.get('max') as number);
      if (kept !== current) super.assign('value', kept);
    }
  }
}

/** Bounds first, so a value given with them is checked against them. */
function orderBounds(options: WidgetOptions): WidgetOptions {
  const { value, ...rest } = options ?? {};
  return value === undefined ? rest : { ...rest, value };
}

export class IntSlider extends BoundedNumber {
  constructor(registry: WidgetRegistry, options: WidgetOptions = {}) {
    super(registry, MODELS.IntSlider, options);
  }
}
defineProperties(IntSlider.prototype, MODELS.IntSlider);

export class FloatSlider extends BoundedNumber {
  constructor(registry: WidgetRegistry, options: WidgetOptions = {}) {
    super(registry, MODELS.FloatSlider, options);
  }
}
defineProperties(FloatSlider.prototype, MODELS.FloatSlider);

export class Play extends BoundedNumber {
  declare playing: boolean;
  declare interval: number;
  constructor(registry: WidgetRegistry, options: WidgetOptions = {}) {
    super(registry, MODELS.Play, options);
  }
}
defineProperties(Play.prototype, MODELS.Play);

export class Text extends Widget {
  declare value: string;
  constructor(registry: WidgetRegistry, options: WidgetOptions = {}) {
    super(registry, MODELS.Text, options);
  }
}
defineProperties(Text.prototype, MODELS.Text);

export class Label extends Widget {
  declare value: string;
  constructor(registry: WidgetRegistry, options: WidgetOptions = {}) {
    super(registry, MODELS.Label, options);
  }
}
defineProperties(Label.prototype, MODELS.Label);

export class Checkbox extends Widget {
  declare value: boolean;
  constructor(registry: WidgetRegistry, options: WidgetOptions = {}) {
    super(registry, MODELS.Checkbox, options);
  }
}
defineProperties(Checkbox.prototype, MODELS.Checkbox);

export class Button extends Widget {
  declare description: string;
  constructor(registry: WidgetRegistry, options: WidgetOptions = {}) {
    super(registry, MODELS.Button, options);
  }

  /** Calls `handler` on each click (the frontend's custom message `{event: 'click'}`); an async handler keeps the click busy until it ends. */
  onClick(handler: (button: this) => unknown): this {
    if (typeof handler !== 'function') throw new TypeError('Button.onClick(handler) takes a function');
    return this.onCustom((content) => (content.event === 'click' ? handler(this) : undefined));
  }
}
defineProperties(Button.prototype, MODELS.Button);

type OptionList = readonly (string | number | readonly [string, unknown])[];

/** A choice among options: the frontend holds the labels and the selected index; the values stay here. */
export class Dropdown extends Widget {
  private values: unknown[];

  constructor(registry: WidgetRegistry, options: WidgetOptions = {}) {
    const { options: choices = [], value, label, index, ...rest } = options ?? {};
    const pairs = optionPairs(choices);
    const labels = pairs.map(([l]) => l);
    const values = pairs.map(([, v]) => v);
    // The selection is part of the state the comm opens with, as ipywidgets sends it.
    let selected: number | null = pairs.length > 0 ? 0 : null;
    if (index !== undefined) selected = index as number | null;
    else if (label !== undefined) selected = indexOf(labels, label, 'label');
    else if (value !== undefined) selected = indexOf(values, value, 'value');
    super(registry, MODELS.Dropdown, { ...rest, _options_labels: labels, index: selected });
    this.values = values;
  }

  /** The options: labels, or [label, value] pairs. Setting them selects the first. */
  get options(): [string, unknown][] {
    const labels = this.get('_options_labels') as string[];
    return labels.map((label, i) => [label, this.values[i]]);
  }

  set options(choices: OptionList) {
    const pairs = optionPairs(choices);
    const oldValue = this.value;
    const oldLabel = this.label;
    this.values = pairs.map(([, value]) => value);
    super.assign('_options_labels', pairs.map(([label]) => label));
    super.assign('index', pairs.length > 0 ? 0 : null);
    this.derivedChanged(oldValue, oldLabel);
  }

  get index(): number | null {
    return this.get('index') as number | null;
  }

  set index(index: number | null) {
    this.set('index', index);
  }

  /** The selected option's value (null when none is). */
  get value(): unknown {
    const index = this.index;
    return index === null ? null : this.values[index];
  }

  set value(value: unknown) {
    this.index = indexOf(this.values, value, 'value');
  }

  /** The selected option's label. */
  get label(): string | null {
    const index = this.index;
    return index === null ? null : (this.get('_options_labels') as string[])[index];
  }

  set label(label: string | null) {
    this.index = indexOf(this.get('_options_labels') as string[], label, 'label');
  }

  protected override validate(key: string, value: unknown): unknown {
    if (key === 'index') {
      if (value === null) return null;
      const count = (this.get('_options_labels') as string[]).length;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= count) {
        throw new RangeError(`Dropdown.index takes null or an integer from 0 to ${count - 1}, got ${describe(value)}`);
      }
      return value;
    }
    return super.validate(key, value);
  }

  protected override assign(key: string, value: unknown): void {
    if (key !== 'index') return super.assign(key, value);
    const oldValue = this.value;
    const oldLabel = this.label;
    super.assign(key, value);
    this.derivedChanged(oldValue, oldLabel);
  }

  private derivedChanged(oldValue: unknown, oldLabel: string | null): void {
    if (this.label !== oldLabel) this.changed('label', oldLabel, this.label);
    if (!Object.is(this.value, oldValue)) this.changed('value', oldValue, this.value);
  }
}
defineProperties(Dropdown.prototype, MODELS.Dropdown, ['index']);

function optionPairs(choices: unknown): [string, unknown][] {
  if (!Array.isArray(choices)) throw new TypeError(`Dropdown.options takes an array of labels or [label, value] pairs, got ${describe(choices)}`);
  return choices.map((choice): [string, unknown] => (Array.isArray(choice) ? [String(choice[0]), choice[1]] : [String(choice), choice]));
}

/** The position of a Dropdown's value or label among the options (null for null). */
function indexOf(candidates: unknown[], wanted: unknown, what: 'value' | 'label'): number | null {
  if (wanted === null) return null;
  const index = candidates.findIndex((candidate) => Object.is(candidate, wanted) || JSON.stringify(candidate) === JSON.stringify(wanted));
  if (index < 0) throw new RangeError(`Dropdown.${what}: ${JSON.stringify(wanted)} is not one of the options`);
  return index;
}

/** HBox and VBox: the widgets they lay out, in order. */
class Box extends Widget {
  constructor(registry: WidgetRegistry, spec: ModelSpec, children: unknown, options: WidgetOptions) {
    super(registry, spec, { ...options, children: references(spec.className, children ?? []) });
  }

  get children(): Widget[] {
    return (this.get('children') as string[]).map((ref) => this.registry.widgets.get(ref.slice(MODEL_REFERENCE.length))).filter((w): w is Widget => w !== undefined);
  }

  set children(children: Widget[]) {
    this.set('children', references(this.spec.className, children));
  }
}
defineProperties(Box.prototype, MODELS.HBox, ['children']);

function references(box: string, children: unknown): string[] {
  if (!Array.isArray(children) || !children.every((child) => child instanceof Widget)) {
    throw new TypeError(`${box} takes an array of widgets as its children`);
  }
  return children.map((child: Widget) => reference(child));
}

export class HBox extends Box {
  constructor(registry: WidgetRegistry, children: Widget[] = [], options: WidgetOptions = {}) {
    super(registry, MODELS.HBox, children, options);
  }
}

export class VBox extends Box {
  constructor(registry: WidgetRegistry, children: Widget[] = [], options: WidgetOptions = {}) {
    super(registry, MODELS.VBox, children, options);
  }
}

/** One output of an Output widget, as nbformat stores it. */
type StoredOutput = Record<string, unknown>;

/**
 * A place for output. capture() works as ipywidgets' `with out:` does: it
 * sets the model's `msg_id` to the request running now (the cell, or the
 * frontend's click), and the frontend puts every output of that request
 * in the widget instead of the cell: console.log, display(), and what `sh()`
 * and `!` commands (C programs) print. The append methods add outputs to
 * the model's state directly, which works from anywhere (a timer too).
 */
export class Output extends Widget {
  constructor(registry: WidgetRegistry, options: WidgetOptions = {}) {
    super(registry, MODELS.Output, options);
  }

  /** The outputs the widget shows (what the frontend captured, and what was appended). */
  get outputs(): StoredOutput[] {
    return this.get('outputs') as StoredOutput[];
  }

  /**
   * Runs `work`, showing its output in this widget; resolves to what `work`
   * resolved to. An error of `work` is shown in the widget too, and then
   * resolves to undefined, as ipywidgets' `with out:` shows and swallows it
   * (a click handler's error would otherwise go nowhere); an interrupt is
   * passed on.
   */
  async capture<T>(work: () => T | Promise<T>): Promise<T | undefined> {
    if (typeof work !== 'function') throw new TypeError('Output.capture(work) takes a function');
    const { inFlight, msgId } = currentRequest();
    if (!inFlight) {
      throw new Error('Output.capture() works while a cell runs or a widget event is handled; from a timer, use appendStdout()/appendDisplay()');
    }
    // Without a frontend (sockbook run) nothing routes outputs: they stay the cell's.
    if (msgId === undefined) return await work();
    const previous = this.get('msg_id');
    this.set('msg_id', msgId);
    try {
      return await work();
    } catch (error) {
      if (error instanceof KeyboardInterrupt || (error as Error)?.name === KEYBOARD_INTERRUPT) throw error;
      console.error((error as Error)?.stack ?? String(error));
      return undefined;
    } finally {
      this.set('msg_id', previous);
    }
  }

  appendStdout(text: string): void {
    this.append({ output_type: 'stream', name: 'stdout', text: String(text) });
  }

  appendStderr(text: string): void {
    this.append({ output_type: 'stream', name: 'stderr', text: String(text) });
  }

  /** Appends a value as display() would show it. */
  appendDisplay(value: unknown): void {
    const { data, metadata } = richValueOf(value);
    this.append({ output_type: 'display_data', data, metadata });
  }

  /** Appends a MIME bundle, as display.data() shows it: { 'text/html': '<b>hi</b>', 'text/plain': 'hi' }. */
  appendData(bundle: Record<string, unknown>, metadata: Record<string, unknown> = {}): void {
    if (!isRecord(bundle)) throw new TypeError('Output.appendData() takes a MIME bundle like { "text/html": "<b>hi</b>" }');
    this.append({ output_type: 'display_data', data: bundle, metadata });
  }

  /** Removes every output. */
  clear(): void {
    this.set('outputs', []);
  }

  private append(output: StoredOutput): void {
    this.set('outputs', [...this.outputs, output]);
  }
}

/** What interact() takes for each argument: a [min, max(, step)] range, a number, a boolean, a string, a list of choices, or a widget. */
export type ControlSpec = readonly [number, number] | readonly [number, number, number] | number | boolean | string | readonly (string | readonly [string, unknown])[] | Widget;

/** What interact() shows: its controls, then an Output with what the function printed, displayed, or returned. */
export class Interactive extends Box {
  readonly [DISPLAY_HANDLE] = true;
  /** The first run of the function (await it when the function is async, so its output lands while the cell runs). */
  ready: Promise<void> = Promise.resolve();

  constructor(
    registry: WidgetRegistry,
    readonly controls: Record<string, Widget>,
    readonly output: Output,
  ) {
    super(registry, MODELS.VBox, [...Object.values(controls), output], {});
  }
}

/** The `widgets` built-in: constructors bound to the executor's widget registry, and interact(). */
export function createWidgets(registry: WidgetRegistry, display: Pick<Display, 'clear'> & ((value: unknown) => unknown)) {
  // Plain functions, so that both widgets.IntSlider({…}) (as in Python) and new widgets.IntSlider({…}) work.
  const bind = <A extends unknown[], W extends object>(make: (...args: A) => W) =>
    function (...args: A): W {
      return make(...args);
    };
  const api = {
    IntSlider: bind((options?: WidgetOptions) => new IntSlider(registry, options)),
    FloatSlider: bind((options?: WidgetOptions) => new FloatSlider(registry, options)),
    Text: bind((options?: WidgetOptions) => new Text(registry, options)),
    Checkbox: bind((options?: WidgetOptions) => new Checkbox(registry, options)),
    Dropdown: bind((options?: WidgetOptions) => new Dropdown(registry, options)),
    Button: bind((options?: WidgetOptions) => new Button(registry, options)),
    Output: bind((options?: WidgetOptions) => new Output(registry, options)),
    HBox: bind((children?: Widget[], options?: WidgetOptions) => new HBox(registry, children, options)),
    VBox: bind((children?: Widget[], options?: WidgetOptions) => new VBox(registry, children, options)),
    Label: bind((options?: WidgetOptions) => new Label(registry, options)),
    Play: bind((options?: WidgetOptions) => new Play(registry, options)),
    interact,
    /** The widgets open now. */
    get open(): Widget[] {
      return [...registry.widgets.values()];
    },
  };

  /**
   * Shows a control for each of the function's arguments and an Output; the
   * function runs now and after each change, with the controls' values, and
   * what it prints, displays or returns replaces the Output's content.
   */
  function interact<T extends Record<string, unknown>>(fn: (args: T) => unknown, specs: Record<keyof T & string, ControlSpec>): Interactive {
    if (typeof fn !== 'function') throw new TypeError('interact(fn, controls) takes a function first');
    if (!isRecord(specs)) throw new TypeError('interact(fn, controls) takes the controls as an object such as { n: [1, 100] }');
    const controls: Record<string, Widget> = {};
    for (const [name, spec] of Object.entries(specs)) controls[name] = controlFor(name, spec as ControlSpec);
    const output = new Output(registry);
    const shown = new Interactive(registry, controls, output);
    const run = () =>
      output.capture(async () => {
        const args = Object.fromEntries(Object.entries(controls).map(([name, control]) => [name, (control as unknown as { value: unknown }).value])) as T;
        // Replaces what the last run showed once this run shows something, as ipywidgets' clear_output(wait=True).
        display.clear(true);
        const result = await fn(args);
        if (result !== undefined) display(result);
      });
    for (const control of Object.values(controls)) control.observe(() => run());
    display(shown);
    shown.ready = run().then(
      () => undefined,
      (error: unknown) => console.error(`Error in the interact function: ${(error as Error)?.stack ?? String(error)}`),
    );
    return shown;
  }

  function controlFor(name: string, spec: ControlSpec): Widget {
    const description = name;
    if (spec instanceof Widget) return spec;
    if (typeof spec === 'boolean') return new Checkbox(registry, { value: spec, description });
    if (typeof spec === 'string') return new Text(registry, { value: spec, description });
    if (typeof spec === 'number') {
      const [min, max] = spec > 0 ? [-spec, 3 * spec] : spec < 0 ? [3 * spec, -spec] : [0, 1];
      return Number.isInteger(spec) ? new IntSlider(registry, { min, max, value: spec, description }) : new FloatSlider(registry, { min, max, value: spec, description });
    }
    if (Array.isArray(spec) && (spec.length === 2 || spec.length === 3) && spec.every((n) => typeof n === 'number')) {
      const [min, max, step] = spec as number[];
      if (!(min < max)) throw new RangeError(`interact: ${name}'s range [${min}, ${max}] needs min < max`);
      const integer = spec.every((n) => Number.isInteger(n));
      const middle = min + (max - min) / 2;
      return integer
        ? new IntSlider(registry, { min, max, step: step ?? 1, value: Math.trunc(middle), description })
        : new FloatSlider(registry, { min, max, step: step ?? (max - min) / 100, value: middle, description });
    }
    if (Array.isArray(spec)) return new Dropdown(registry, { options: spec, description });
    throw new TypeError(`interact: ${name} takes a [min, max] range, a number, a boolean, a string, a list of choices or a widget, got ${describe(spec)}`);
  }

  return api;
}

export type WidgetsApi = ReturnType<typeof createWidgets>;
