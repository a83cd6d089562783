/**
 * Declarations of the executor's built-ins, given to the language service so
 * completions, help and type checks know them. `libcModule` is the path of the
 * libc bindings' source (without extension) when it exists.
 */
export function builtinDeclarations(libcModule: string | undefined): string {
  const libcType = libcModule ? `typeof import(${JSON.stringify(libcModule)}).libc` : 'any';
  return `
interface SockbookDisplayOptions {
  /** The display_id: pass it to show an output that can be updated later. */
  id?: string;
  metadata?: Record<string, unknown>;
}

interface SockbookDisplayHandle<T> {
  /** The display_id of this output. */
  readonly id: string;
  /** Replaces this output in place (update_display_data). */
  update(content: T, metadata?: Record<string, unknown>): void;
}

interface SockbookDisplay {
  /** Shows a value the way a cell's final expression is shown. */
  (value: unknown, options?: SockbookDisplayOptions): SockbookDisplayHandle<unknown>;
  /** Shows HTML. */
  html(html: string, options?: SockbookDisplayOptions): SockbookDisplayHandle<string>;
  /** Shows Markdown. */
  markdown(markdown: string, options?: SockbookDisplayOptions): SockbookDisplayHandle<string>;
  /** Shows an SVG image given as text. */
  svg(svg: string, options?: SockbookDisplayOptions): SockbookDisplayHandle<string>;
  /** Shows a PNG image: its bytes, or a base64 string. */
  png(png: Uint8Array | string, options?: SockbookDisplayOptions): SockbookDisplayHandle<Uint8Array | string>;
  /** Shows a JSON value as a tree. */
  json(value: unknown, options?: SockbookDisplayOptions): SockbookDisplayHandle<unknown>;
  /** Shows plain text. */
  text(text: string, options?: SockbookDisplayOptions): SockbookDisplayHandle<string>;
  /** Shows a MIME bundle such as { 'text/html': '<b>hi</b>', 'text/plain': 'hi' }. */
  data(bundle: Record<string, unknown>, options?: SockbookDisplayOptions): SockbookDisplayHandle<Record<string, unknown>>;
  /** Clears the cell's output; with wait = true, only when the next output arrives. */
  clear(wait?: boolean): void;
}

/**
 * Rich output in the cell: display.html(s), display.markdown(s), display.svg(s),
 * display.png(bytes), display.json(v), display.text(s), display.data(bundle),
 * each with an optional { id } and returning a handle whose update(…) replaces
 * the output in place; display.clear(wait?) clears the cell's output.
 */
declare const display: SockbookDisplay;

/**
 * Asks the user for a line of text (input_request) and resolves to it.
 * Rejects when the frontend does not allow input.
 */
declare function input(prompt?: string, options?: { password?: boolean }): Promise<string>;

/** Resolves after ms milliseconds (interrupting the cell ends the wait). */
declare function sleep(ms: number): Promise<void>;

/** The C library through koffi: socket, bind, epoll_wait and friends, with their constants. */
declare const libc: ${libcType};
`;
}
