// The kernelspec's kernel.js: the classic Notebook loads it with the kernel
// and calls its onload, which teaches the editor to highlight C, assembly,
// CMake and shell cells by their first line (TypeScript is the default mode).
// JupyterLab and Notebook 7 do not load kernel.js: the lab extension in
// labextension/ applies the same first-line rules there.

/**
 * First-line patterns by CodeMirror mode, as the classic Notebook's
 * `CodeCell.options_default.highlight_modes` takes them: a `magic_` key
 * highlights the rest of the cell in that mode and its `%%` line as a magic.
 * Each mode is a name or MIME type that the Notebook's CodeMirror resolves to
 * a mode file it ships.
 */
export const HIGHLIGHT_RULES: Readonly<Record<string, readonly string[]>> = {
  'magic_text/x-c++src': ['^%%cpp(\\s|$)', '^%%c\\+\\+(\\s|$)'],
  'magic_text/x-csrc': ['^%%c(\\s|$)'],
  magic_gas: ['^%%asm(\\s|$)'],
  magic_cmake: ['^%%cmake(\\s|$)'],
  magic_shell: ['^%%bash(\\s|$)', '^!'],
};

/** The text of kernel.js: an AMD module whose onload adds the rules and re-highlights the cells already shown. */
export function kernelJs(): string {
  return `// Written by \`sockbook install\`. The classic Notebook loads this file with the
// sockbook kernel: C, assembly, CMake and shell cells are highlighted by their first line.
define(['base/js/namespace', 'notebook/js/codecell'], function (Jupyter, codecell) {
  'use strict';
  var rules = ${JSON.stringify(HIGHLIGHT_RULES, null, 2).replace(/\n/g, '\n  ')};

  function onload() {
    var modes = codecell.CodeCell.options_default.highlight_modes;
    Object.keys(rules).forEach(function (mode) {
      var known = modes[mode] ? modes[mode].reg : [];
      var added = rules[mode].filter(function (re) { return known.indexOf(re) < 0; });
      modes[mode] = { reg: known.concat(added) };
    });
    // Cells opened before this ran were highlighted without the rules.
    if (Jupyter.notebook) {
      Jupyter.notebook.get_cells().forEach(function (cell) {
        if (cell.cell_type === 'code') cell.auto_highlight();
      });
    }
  }

  return { onload: onload };
});
`;
}
