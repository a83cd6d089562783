// The layers' import rules, read from the sources under kernel/ and native/:
// which folder may import which, that plans are made without starting
// processes, that the executor's two sides share only their protocol, and
// that the kernel process never loads the TypeScript compiler. The README's
// layout table is held to the folders that exist.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { projectRoot } from '../kernel/paths';
import { LAYER_EXCEPTIONS, LAYERS } from '../kernel/layers';
import { architecturePage, documentedLayerTable, renderLayerTable } from './support/layer-docs';

/** One import or require in a source file. Paths are repository-relative, with forward slashes. */
interface ImportEdge {
  from: string;
  specifier: string;
  /** The file a relative specifier names; undefined for packages and node: builtins. */
  target?: string;
  /** `import type`, `export type`, `import('x').T`: erased, so nothing is loaded at run time. */
  typeOnly: boolean;
}

const SOURCE_ROOTS = ['kernel', 'native'];

function listSources(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(projectRoot, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) files.push(...listSources(rel));
    else if (/\.(ts|js|mjs|cjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(rel);
  }
  return files;
}

/** The file a relative specifier loads, as Node's resolution would find it among the sources. */
function resolveRelative(from: string, specifier: string): string | undefined {
  const base = path.posix.join(path.posix.dirname(from), specifier);
  const candidates = [base, `${base}.ts`, `${base}.js`, `${base}/index.ts`, `${base}/index.js`];
  if (base.endsWith('.js')) candidates.unshift(`${base.slice(0, -3)}.ts`);
  return candidates.find((candidate) => {
    const full = path.join(projectRoot, candidate);
    return existsSync(full) && statSync(full).isFile();
  });
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // `import 'x'` runs x
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

function importsOf(file: string): ImportEdge[] {
  const text = readFileSync(path.join(projectRoot, file), 'utf8');
  const kind = file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, kind);
  const edges: ImportEdge[] = [];
  const add = (specifier: ts.Node | undefined, typeOnly: boolean): void => {
    if (!specifier || !ts.isStringLiteralLike(specifier)) return;
    const relative = specifier.text.startsWith('.');
    edges.push({ from: file, specifier: specifier.text, target: relative ? resolveRelative(file, specifier.text) : undefined, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, isTypeOnlyImport(node));
    else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, node.isTypeOnly);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression, node.isTypeOnly);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal, true);
    else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if (isRequire || callee.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/**
 * The layer a file belongs to: its folder directly under kernel/ (the
 * executor's two sides and its protocol count apart), `kernel` for files
 * directly under kernel/, `native` for native/.
 */
function layerOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] !== 'kernel') return parts[0];
  if (parts.length === 2) return 'kernel';
  if (parts[1] === 'executor') return parts.length === 3 ? file : parts.slice(0, 3).join('/');
  return parts.slice(0, 2).join('/');
}

/** The imports between layers that neither the table (kernel/layers.ts) nor one of its exceptions allows. */
function forbiddenEdges(edges: ImportEdge[]): ImportEdge[] {
  const allowed = new Map(LAYERS.map((row) => [row.layer, new Set([row.layer, ...row.mayImport])]));
  return edges.filter((e) => {
    if (e.target === undefined) return false;
    const from = layerOf(e.from);
    if (allowed.get(from)?.has(layerOf(e.target))) return false;
    return !LAYER_EXCEPTIONS.some((x) => x.from === from && x.toFiles.includes(e.target as string));
  });
}

const show = (edges: ImportEdge[]): string => edges.map((e) => `  ${e.from} imports '${e.specifier}'${e.target ? ` (${e.target})` : ''}`).join('\n');

/** The files reachable from `entries` over imports that `follow` accepts, each with the chain that reaches it. */
function reachable(graph: Map<string, ImportEdge[]>, entries: string[], follow: (edge: ImportEdge) => boolean): Map<string, string[]> {
  const chains = new Map<string, string[]>(entries.map((entry) => [entry, [entry]]));
  const queue = [...entries];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const edge of graph.get(file) ?? []) {
      if (!edge.target || !follow(edge) || chains.has(edge.target)) continue;
      chains.set(edge.target, [...(chains.get(file) ?? []), edge.target]);
      queue.push(edge.target);
    }
  }
  return chains;
}

describe('layout: the import rules of the layers', () => {
  const files = SOURCE_ROOTS.flatMap(listSources);
  const graph = new Map(files.map((file) => [file, importsOf(file)]));
  const edges = [...graph.values()].flat();
  const importsFrom = (layer: string): ImportEdge[] => edges.filter((e) => layerOf(e.from) === layer);

  it('reads every import: each relative specifier names a source file', () => {
    assert.ok(files.length > 50, `only ${files.length} source files found`);
    assert.ok(
      edges.some((e) => e.from === 'kernel/cli/kernel-command.ts' && e.target === 'kernel/session/session.ts'),
      'the analysis finds the kernel command importing the session',
    );
    const unresolved = edges.filter((e) => e.specifier.startsWith('.') && e.target === undefined);
    assert.deepEqual(unresolved, [], `relative imports that name no file:\n${show(unresolved)}`);
  });

  it('the layer table has a row for every folder under kernel/ and native/, and only rows it can check', () => {
    const rows = LAYERS.map((row) => row.layer);
    assert.equal(new Set(rows).size, rows.length, 'each layer has one row');
    const layers = [...new Set(files.map(layerOf))].sort();
    assert.deepEqual(layers.filter((layer) => !rows.includes(layer)), [], 'layers with sources but no row in kernel/layers.ts');
    const folders = (dir: string): string[] =>
      readdirSync(path.join(projectRoot, dir), { withFileTypes: true }).filter((e) => e.isDirectory()).flatMap((e) => [`${dir}/${e.name}`, ...folders(`${dir}/${e.name}`)]);
    // A folder with sources is covered by the check above; one with none yet is a layer of its own.
    const empty = [...folders('kernel'), ...folders('native')].filter((dir) => !files.some((f) => f.startsWith(`${dir}/`)));
    assert.deepEqual(empty.filter((dir) => !rows.includes(layerOf(`${dir}/x.ts`))), [], 'folders with no row in kernel/layers.ts');
    const unknown = LAYERS.flatMap((row) => row.mayImport.filter((to) => !rows.includes(to)).map((to) => `${row.layer} -> ${to}`));
    assert.deepEqual(unknown, [], 'rows naming a layer that has no row');
  });

  it('the layer table has no cycle', () => {
    const mayImport = new Map(LAYERS.map((row) => [row.layer, row.mayImport]));
    const cycles: string[] = [];
    const visit = (layer: string, chain: string[]): void => {
      if (chain.includes(layer)) {
        cycles.push([...chain.slice(chain.indexOf(layer)), layer].join(' -> '));
        return;
      }
      for (const next of mayImport.get(layer) ?? []) visit(next, [...chain, layer]);
    };
    for (const row of LAYERS) visit(row.layer, []);
    assert.deepEqual(cycles, []);
  });

  it('every import between layers is one the layer table allows', () => {
    const bad = forbiddenEdges(edges);
    assert.equal(bad.length, 0, `imports kernel/layers.ts does not allow (change the code, or the table with its reason):\n${show(bad)}`);
  });

  it('the check finds a forbidden import: the grading layer importing the session', () => {
    const made: ImportEdge = { from: 'kernel/grading/report.ts', specifier: '../session/session', target: 'kernel/session/session.ts', typeOnly: false };
    assert.deepEqual(forbiddenEdges([made]), [made]);
    const nativeIntoRunner: ImportEdge = { from: 'native/constants.ts', specifier: '../kernel/runner/signal-names', target: 'kernel/runner/signal-names.ts', typeOnly: true };
    assert.deepEqual(forbiddenEdges([nativeIntoRunner]), [nativeIntoRunner], 'a type-only import counts too');
  });

  it('each exception to the layer table is still needed (delete it when its change lands)', () => {
    for (const exception of LAYER_EXCEPTIONS) {
      for (const file of exception.toFiles) {
        const users = edges.filter((e) => layerOf(e.from) === exception.from && e.target === file);
        assert.ok(users.length > 0, `no file of ${exception.from} imports ${file} any more: delete the exception in kernel/layers.ts`);
      }
    }
  });

  it("docs/architecture.md's layer table is the one kernel/layers.ts renders", () => {
    const documented = documentedLayerTable(readFileSync(architecturePage, 'utf8'));
    assert.ok(documented !== undefined, 'docs/architecture.md has the layer table markers');
    assert.equal(documented, renderLayerTable(), 'run `node build/js/test/support/layer-docs.js --write` after changing kernel/layers.ts');
  });

  it('kernel/session imports only kernel/wire, kernel/transport, kernel/interpreter and the bottom, kernel/base (and packages)', () => {
    const allowed = new Set(['kernel/session', 'kernel/wire', 'kernel/transport', 'kernel/interpreter', 'kernel/base']);
    const bad = importsFrom('kernel/session').filter((e) => e.target !== undefined && !allowed.has(layerOf(e.target)));
    assert.equal(bad.length, 0, `kernel/session reaches past its contract:\n${show(bad)}`);
  });

  it('no folder except kernel/cli imports kernel/session', () => {
    const bad = edges.filter((e) => e.target && layerOf(e.target) === 'kernel/session' && !['kernel/session', 'kernel/cli'].includes(layerOf(e.from)));
    assert.equal(bad.length, 0, `imports of kernel/session from outside kernel/cli:\n${show(bad)}`);
  });

  it('kernel/interpreter imports no other folder but the bottom, kernel/base', () => {
    const bad = importsFrom('kernel/interpreter').filter((e) => e.target !== undefined && !['kernel/interpreter', 'kernel/base'].includes(layerOf(e.target)));
    assert.equal(bad.length, 0, `the interpreter contract depends on other layers:\n${show(bad)}`);
  });

  it('kernel/grading and kernel/notebook never import kernel/cli (the commands sit on top of them)', () => {
    const bad = [...importsFrom('kernel/grading'), ...importsFrom('kernel/notebook')].filter((e) => e.target !== undefined && layerOf(e.target) === 'kernel/cli');
    assert.equal(bad.length, 0, `imports of kernel/cli from below it:\n${show(bad)}`);
  });

  it('kernel/cells reaches nothing that starts a process', () => {
    const forbiddenLayers = ['kernel/runner', 'kernel/engine', 'kernel/views', 'kernel/executor'];
    const forbiddenPackages = ['node:child_process', 'child_process', 'zeromq', 'koffi'];
    const cells = files.filter((f) => layerOf(f) === 'kernel/cells');
    assert.ok(cells.length > 0, 'kernel/cells has sources');
    const chains = reachable(graph, cells, () => true);
    const problems: string[] = [];
    for (const [file, chain] of chains) {
      const layer = layerOf(file);
      if (forbiddenLayers.some((f) => layer === f || layer.startsWith(`${f}/`))) problems.push(`  ${chain.join(' -> ')}`);
      for (const edge of graph.get(file) ?? []) {
        if (forbiddenPackages.some((p) => edge.specifier === p || edge.specifier.startsWith(`${p}/`))) problems.push(`  ${chain.join(' -> ')} imports '${edge.specifier}'`);
      }
    }
    assert.deepEqual(problems, [], `kernel/cells reaches code that starts processes:\n${problems.join('\n')}`);
  });

  it('kernel/executor/host and kernel/executor/child share only kernel/executor/protocol.ts', () => {
    const protocol = 'kernel/executor/protocol.ts';
    const sides = ['kernel/executor/host', 'kernel/executor/child'];
    for (const side of sides) assert.ok(files.some((f) => layerOf(f) === side), `${side} has sources`);
    const bad = edges.filter((e) => {
      if (!e.target || !layerOf(e.target).startsWith('kernel/executor/')) return false;
      const from = layerOf(e.from);
      const to = layerOf(e.target);
      if (from === protocol) return to !== protocol; // the protocol knows neither side
      if (sides.includes(from)) return to !== from && to !== protocol;
      return to === 'kernel/executor/child'; // the child is a program of its own: started, never imported
    });
    assert.equal(bad.length, 0, `the executor's sides share more than the protocol:\n${show(bad)}`);
  });

  it('nothing the kernel process loads imports the typescript package (only the executor child does)', () => {
    const entries = ['kernel/cli/kernel-command.ts', ...files.filter((f) => layerOf(f) === 'kernel/executor/host')];
    const chains = reachable(graph, entries, (edge) => !edge.typeOnly);
    const problems: string[] = [];
    for (const [file, chain] of chains) {
      for (const edge of graph.get(file) ?? []) {
        if (!edge.typeOnly && (edge.specifier === 'typescript' || edge.specifier.startsWith('typescript/'))) {
          problems.push(`  ${chain.join(' -> ')} imports '${edge.specifier}'`);
        }
      }
    }
    assert.ok(chains.has('kernel/session/session.ts'), 'the walk follows the kernel command into the session');
    assert.deepEqual(problems, [], `the kernel process would load the TypeScript compiler:\n${problems.join('\n')}`);
  });

  it("the README's layout table lists exactly the folders under kernel/, and native/, labextension/, notebooks/, test/, bench/, docs/", () => {
    const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
    const section = readme.split(/^## /m).find((s) => s.startsWith('Layout'));
    assert.ok(section, 'the README has a Layout section');
    const listed = [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1].replace(/\/$/, ''));
    const isDir = (rel: string): boolean => existsSync(path.join(projectRoot, rel)) && statSync(path.join(projectRoot, rel)).isDirectory();
    const subdirs = (rel: string): string[] =>
      readdirSync(path.join(projectRoot, rel), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `${rel}/${e.name}`);

    const notFolders = listed.filter((rel) => !isDir(rel));
    assert.deepEqual(notFolders, [], 'every listed path is a folder');
    assert.deepEqual(listed.filter((rel) => !rel.startsWith('kernel/')).sort(), ['bench', 'docs', 'labextension', 'native', 'notebooks', 'test']);
    // A folder is listed itself, or (like kernel/executor, which holds two programs) through each of its subfolders.
    const unlisted = subdirs('kernel').filter((dir) => !listed.includes(dir) && !(subdirs(dir).length > 0 && subdirs(dir).every((s) => listed.includes(s))));
    assert.deepEqual(unlisted, [], 'folders under kernel/ missing from the table');
    const tooDeep = listed.filter((rel) => rel.startsWith('kernel/') && rel.split('/').length > 3);
    assert.deepEqual(tooDeep, [], 'the table names the layers, not their inner folders');
    assert.equal(new Set(listed).size, listed.length, 'each folder once');
  });
});
