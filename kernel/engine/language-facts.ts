import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LanguageFacts } from '../interpreter/interpreter';
import { projectRoot } from '../paths';

function packageVersion(file: string): string {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version?: string };
    return parsed.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Built once; reading the typescript package's version does not load the compiler. */
let cached: LanguageFacts | null = null;

/** What kernel_info says about sockbook's cells: TypeScript, with C and shell through magics. */
export function languageFacts(): LanguageFacts {
  cached ??= {
    implementation: 'sockbook',
    implementationVersion: packageVersion(path.join(projectRoot, 'package.json')),
    language: {
      name: 'typescript',
      version: packageVersion(path.join(projectRoot, 'node_modules', 'typescript', 'package.json')),
      mimetype: 'text/typescript',
      fileExtension: '.ts',
      pygmentsLexer: 'typescript',
      // A mode name, the form every client reads (runtimed's jupyter-protocol takes a string or
      // {name, version: integer}, nothing else): JupyterLab finds its TypeScript language by this name, and
      // the classic Notebook finds it in CodeMirror's mode index (mode/javascript, MIME application/typescript).
      codemirrorMode: 'typescript',
    },
    banner: 'sockbook: C cells (%%cpp FILE with %run lines, %%c, %%bash, !cmd) and TypeScript cells calling libc through koffi.',
    helpLinks: [
      { text: 'Jupyter messaging', url: 'https://jupyter-client.readthedocs.io/en/latest/messaging.html' },
      { text: 'Linux man pages', url: 'https://man7.org/linux/man-pages/' },
      { text: 'TypeScript handbook', url: 'https://www.typescriptlang.org/docs/handbook/intro.html' },
      { text: 'koffi', url: 'https://koffi.dev/' },
    ],
  };
  return cached;
}
