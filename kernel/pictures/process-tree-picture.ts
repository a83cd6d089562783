// %ps --tree: the kernel's processes as a graph, parent → child, each
// session a box and each process group a box inside it; zombies are marked,
// and so is a daemon that double-forked (a session of its own that it does
// not lead, and no terminal).
import type { ProcessNode } from '../views/process-tree';
import { describeState, flattenTree } from '../views/process-tree';
import { dotString } from './picture-bundle';

export interface TreeProcess {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  state: string;
  command: string;
  zombie: boolean;
  /** In a session of its own that it does not lead, with no controlling terminal: what a double fork makes. */
  daemon: boolean;
  /** sockbook's own name for it ("this kernel", "runner: CMD" …), when it has one. */
  note?: string;
}

export interface ProcessTreeData {
  processes: TreeProcess[];
  /** Parent → child edges. */
  edges: [number, number][];
}

/** The tree, flattened, with what the picture marks. `ttyOf` gives a process' controlling terminal number (0 for none). */
export function treeData(root: ProcessNode, notes: ReadonlyMap<number, string>, ttyOf: (pid: number) => number | undefined): ProcessTreeData {
  const nodes = flattenTree(root);
  const processes = nodes.map((node): TreeProcess => {
    const tty = ttyOf(node.pid);
    const daemon = node.session !== node.pid && node.pid !== root.pid && nodes.some((n) => n.pid === node.ppid && n.session !== node.session) && tty === 0;
    const note = notes.get(node.pid);
    return {
      pid: node.pid,
      ppid: node.ppid,
      pgid: node.pgrp,
      sid: node.session,
      state: node.state,
      command: node.commandLine,
      zombie: node.state === 'Z',
      daemon,
      ...(note ? { note } : {}),
    };
  });
  const edges = nodes.flatMap((node) => node.children.map((child) => [node.pid, child.pid] as [number, number]));
  return { processes, edges };
}

function short(text: string, max = 48): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function processTreeDot(data: ProcessTreeData): string {
  const lines = [
    'digraph processes {',
    '  graph [rankdir=TB, fontname="Helvetica", label="processes of this kernel", labelloc=t, fontsize=13, compound=true];',
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=10];',
    '  edge [color="#555555", arrowsize=0.7];',
  ];
  const sessions = new Map<number, Map<number, TreeProcess[]>>();
  for (const p of data.processes) {
    const groups = sessions.get(p.sid) ?? new Map<number, TreeProcess[]>();
    groups.set(p.pgid, [...(groups.get(p.pgid) ?? []), p]);
    sessions.set(p.sid, groups);
  }
  for (const [sid, groups] of sessions) {
    lines.push(`  subgraph cluster_session_${sid} {`, `    label=${dotString(`session ${sid}`)}; style="rounded"; color="#4a78b5"; fontcolor="#4a78b5";`);
    for (const [pgid, members] of groups) {
      lines.push(`    subgraph cluster_group_${pgid} {`, `      label=${dotString(`process group ${pgid}`)}; style="dashed,rounded"; color="#999999"; fontcolor="#777777";`);
      for (const p of members) {
        const tags = [p.zombie ? 'ZOMBIE' : describeState(p.state), p.daemon ? 'daemon (double fork)' : ''].filter(Boolean).join(', ');
        const label = `${p.pid}  ${short(p.note ?? p.command)}\n${tags}`;
        const look = p.zombie
          ? ', fillcolor="#d9d9d9", style="rounded,filled,dashed", fontcolor="#444444"'
          : p.daemon
            ? ', fillcolor="#fff2b3", peripheries=2, penwidth=1.5'
            : '';
        lines.push(`      p${p.pid} [label=${dotString(label)}${look}];`);
      }
      lines.push('    }');
    }
    lines.push('  }');
  }
  for (const [parent, child] of data.edges) lines.push(`  p${parent} -> p${child};`);
  lines.push('}');
  return lines.join('\n');
}

export function processTreeText(data: ProcessTreeData): string {
  const header = `${'PID'.padStart(7)} ${'PPID'.padStart(7)} ${'PGID'.padStart(7)} ${'SID'.padStart(7)}  STATE           COMMAND`;
  const rows = data.processes.map((p) => {
    const marks = [p.zombie ? 'zombie' : '', p.daemon ? 'daemon: double fork, own session, no terminal' : '', p.note ?? ''].filter(Boolean).join('; ');
    return `${String(p.pid).padStart(7)} ${String(p.ppid).padStart(7)} ${String(p.pgid).padStart(7)} ${String(p.sid).padStart(7)}  ${describeState(p.state).padEnd(15)} ${p.command}${marks ? `   [${marks}]` : ''}`;
  });
  const sessions = new Set(data.processes.map((p) => p.sid)).size;
  const groups = new Set(data.processes.map((p) => p.pgid)).size;
  return [header, ...rows, `${data.processes.length} processes in ${sessions} sessions, ${groups} process groups`].join('\n');
}
