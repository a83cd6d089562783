// JupyterLab 4 and Notebook 7 take a cell's language from the kernel's
// language_info only (TypeScript for sockbook) and ignore the kernelspec's
// kernel.js, which gives the classic Notebook its per-cell modes. This plugin
// does the same there: each code cell's language follows its first line, and
// follows it again as the user edits.
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import type { ICellModel } from '@jupyterlab/cells';
import { INotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';

/** First-line patterns and the MIME type of the language JupyterLab's editor gives such a cell. */
export const FIRST_LINE_LANGUAGES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^%%(cpp|c\+\+)(\s|$)/, 'text/x-c++src'],
  [/^%%c(\s|$)/, 'text/x-csrc'],
  [/^%%asm(\s|$)/, 'text/x-gas'],
  [/^%%cmake(\s|$)/, 'text/x-cmake'],
  [/^(%%bash(\s|$)|!)/, 'text/x-sh'],
];

/** The language a cell's source asks for by its first line; undefined for the kernel's own (TypeScript). */
export function languageOfSource(source: string): string | undefined {
  const firstLine = source.split('\n', 1)[0] ?? '';
  return FIRST_LINE_LANGUAGES.find(([pattern]) => pattern.test(firstLine))?.[1];
}

/** Keeps each code cell's MIME type on what its first line asks for, in a notebook on the sockbook kernel. */
function follow(panel: NotebookPanel): void {
  const notebook = panel.content;
  // Only sockbook's cells: a `!pip install` line opens many a Python cell.
  let onSockbook = false;
  const apply = (cell: ICellModel): void => {
    if (cell.type !== 'code') return;
    const wanted = (onSockbook ? languageOfSource(cell.sharedModel.getSource()) : undefined) ?? notebook.codeMimetype;
    if (cell.mimeType !== wanted) cell.mimeType = wanted;
  };
  const watched = new WeakSet<ICellModel>();
  const watch = (cell: ICellModel): void => {
    if (watched.has(cell)) return;
    watched.add(cell);
    cell.contentChanged.connect(() => apply(cell));
    // The notebook gives every code cell the kernel's language when the kernel's info arrives.
    cell.mimeTypeChanged.connect(() => apply(cell));
    apply(cell);
  };
  const watchAll = (): void => {
    const cells = notebook.model?.cells;
    if (!cells) return;
    for (let i = 0; i < cells.length; i++) watch(cells.get(i));
  };
  const connectModel = (): void => {
    notebook.model?.cells.changed.connect(watchAll);
    watchAll();
  };
  const applyAll = (): void => {
    const cells = notebook.model?.cells;
    if (!cells) return;
    for (let i = 0; i < cells.length; i++) apply(cells.get(i));
  };
  const checkKernel = (): void => {
    const kernel = panel.sessionContext.session?.kernel;
    if (!kernel) {
      onSockbook = false;
      applyAll();
      return;
    }
    void kernel.info.then((info) => {
      if (panel.sessionContext.session?.kernel !== kernel) return;
      onSockbook = info.implementation === 'sockbook';
      applyAll();
    });
  };
  notebook.modelChanged.connect(connectModel);
  panel.sessionContext.kernelChanged.connect(checkKernel);
  void panel.context.ready.then(connectModel);
  void panel.sessionContext.ready.then(checkKernel);
  connectModel();
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'sockbook-highlight:plugin',
  description: "Highlights sockbook's C, assembly, CMake and shell cells by their first line.",
  autoStart: true,
  requires: [INotebookTracker],
  activate: (_app: JupyterFrontEnd, tracker: INotebookTracker): void => {
    tracker.forEach(follow);
    tracker.widgetAdded.connect((_sender, panel) => follow(panel));
  },
};

export default plugin;
