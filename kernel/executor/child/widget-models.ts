/**
 * The widget models sockbook's `widgets` speak, as ipywidgets 8.1.9 defines
 * them (widget protocol 2.1): each model's name, module and version, its view,
 * and every key of its state with the default ipywidgets gives it. A frontend
 * (@jupyter-widgets/jupyterlab-manager) builds its models from exactly these
 * states, so a key missing or of the wrong type is a model that renders
 * wrongly or not at all; test/widgets-ipywidgets.test.ts holds them to what
 * ipywidgets itself sends.
 */

/** A widget's state: what crosses the comm as JSON. */
export type WidgetState = Record<string, unknown>;

/** The versions of the widget protocol and of the JavaScript model modules. */
export const WIDGET_PROTOCOL_VERSION = '2.1.0';
export const CONTROL_PROTOCOL_VERSION = '1.0.0';
export const WIDGET_TARGET = 'jupyter.widget';
export const CONTROL_TARGET = 'jupyter.widget.control';
/** The MIME type a widget's view is displayed with. */
export const WIDGET_VIEW_MIME = 'application/vnd.jupyter.widget-view+json';

const BASE = { module: '@jupyter-widgets/base', version: '2.0.0' };
const CONTROLS = { module: '@jupyter-widgets/controls', version: '2.0.0' };
const OUTPUT = { module: '@jupyter-widgets/output', version: '1.0.0' };

type Module = typeof BASE;

/** How a model is named, and which style model its widgets get (if any). */
export interface ModelSpec {
  /** The class name ipywidgets uses (shown in the widget's text form). */
  className: string;
  state: WidgetState;
  /** The style model created with each widget of this model. */
  style?: ModelSpec;
  /** False for the layout and style models, which have no layout of their own. */
  hasLayout: boolean;
}

function modelKeys(name: string, module: Module, view: string, viewModule: Module): WidgetState {
  return {
    _model_module: module.module,
    _model_module_version: module.version,
    _model_name: name,
    _view_count: null,
    _view_module: viewModule.module,
    _view_module_version: viewModule.version,
    _view_name: view,
  };
}

const LAYOUT_KEYS = [
  'align_content', 'align_items', 'align_self', 'border_bottom', 'border_left', 'border_right', 'border_top', 'bottom',
  'display', 'flex', 'flex_flow', 'grid_area', 'grid_auto_columns', 'grid_auto_flow', 'grid_auto_rows', 'grid_column',
  'grid_gap', 'grid_row', 'grid_template_areas', 'grid_template_columns', 'grid_template_rows', 'height',
  'justify_content', 'justify_items', 'left', 'margin', 'max_height', 'max_width', 'min_height', 'min_width',
  'object_fit', 'object_position', 'order', 'overflow', 'padding', 'right', 'top', 'visibility', 'width',
];

const nulls = (keys: string[]): WidgetState => Object.fromEntries(keys.map((key) => [key, null]));

export const LAYOUT: ModelSpec = {
  className: 'Layout',
  hasLayout: false,
  state: { ...modelKeys('LayoutModel', BASE, 'LayoutView', BASE), ...nulls(LAYOUT_KEYS) },
};

function style(className: string, model: string, keys: WidgetState): ModelSpec {
  return { className, hasLayout: false, state: { ...modelKeys(model, CONTROLS, 'StyleView', BASE), ...keys } };
}

const FONT_KEYS = nulls(['font_family', 'font_size', 'font_style', 'font_variant', 'font_weight', 'text_color', 'text_decoration']);

export const STYLES = {
  description: style('DescriptionStyle', 'DescriptionStyleModel', { description_width: '' }),
  slider: style('SliderStyle', 'SliderStyleModel', { description_width: '', handle_color: null }),
  button: style('ButtonStyle', 'ButtonStyleModel', { button_color: null, ...FONT_KEYS }),
  checkbox: style('CheckboxStyle', 'CheckboxStyleModel', { background: null, description_width: '' }),
  label: style('LabelStyle', 'LabelStyleModel', { background: null, description_width: '', ...FONT_KEYS }),
  text: style('TextStyle', 'TextStyleModel', { background: null, description_width: '', font_size: null, text_color: null }),
};

/** The keys of every DOM widget (ipywidgets' DOMWidget): CSS classes, layout, tab order, tooltip. */
function domWidget(className: string, model: string, module: Module, view: string, keys: WidgetState, styleSpec?: ModelSpec): ModelSpec {
  return {
    className,
    hasLayout: true,
    style: styleSpec,
    state: { _dom_classes: [], ...modelKeys(model, module, view, module), layout: null, tabbable: null, tooltip: null, ...(styleSpec ? { style: null } : {}), ...keys },
  };
}

const DESCRIPTION = { description: '', description_allow_html: false };

function slider(kind: 'Int' | 'Float', keys: WidgetState): ModelSpec {
  return domWidget(`${kind}Slider`, `${kind}SliderModel`, CONTROLS, `${kind}SliderView`, {
    ...DESCRIPTION,
    behavior: 'drag-tap',
    continuous_update: true,
    disabled: false,
    orientation: 'horizontal',
    readout: true,
    ...keys,
  }, STYLES.slider);
}

export const MODELS = {
  IntSlider: slider('Int', { max: 100, min: 0, readout_format: 'd', step: 1, value: 0 }),
  FloatSlider: slider('Float', { max: 100.0, min: 0.0, readout_format: '.2f', step: 0.1, value: 0.0 }),
  Text: domWidget('Text', 'TextModel', CONTROLS, 'TextView', {
    ...DESCRIPTION, continuous_update: true, disabled: false, placeholder: '\u200b', value: '',
  }, STYLES.text),
  Checkbox: domWidget('Checkbox', 'CheckboxModel', CONTROLS, 'CheckboxView', {
    ...DESCRIPTION, disabled: false, indent: true, value: false,
  }, STYLES.checkbox),
  Dropdown: domWidget('Dropdown', 'DropdownModel', CONTROLS, 'DropdownView', {
    ...DESCRIPTION, _options_labels: [], disabled: false, index: null,
  }, STYLES.description),
  Button: domWidget('Button', 'ButtonModel', CONTROLS, 'ButtonView', {
    button_style: '', description: '', disabled: false, icon: '',
  }, STYLES.button),
  Output: domWidget('Output', 'OutputModel', OUTPUT, 'OutputView', { msg_id: '', outputs: [] }),
  HBox: domWidget('HBox', 'HBoxModel', CONTROLS, 'HBoxView', { box_style: '', children: [] }),
  VBox: domWidget('VBox', 'VBoxModel', CONTROLS, 'VBoxView', { box_style: '', children: [] }),
  Label: domWidget('Label', 'LabelModel', CONTROLS, 'LabelView', { ...DESCRIPTION, placeholder: '\u200b', value: '' }, STYLES.label),
  Play: domWidget('Play', 'PlayModel', CONTROLS, 'PlayView', {
    ...DESCRIPTION, disabled: false, interval: 100, max: 100, min: 0, playing: false, repeat: false, show_repeat: true, step: 1, value: 0,
  }, STYLES.description),
} satisfies Record<string, ModelSpec>;

export type ModelName = keyof typeof MODELS;

/** How a widget refers to another in its state (children, layout, style). */
export const MODEL_REFERENCE = 'IPY_MODEL_';
