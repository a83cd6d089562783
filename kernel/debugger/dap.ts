import type { DebugBody, DebugJson } from '../interpreter/debug';

/** The Debug Adapter Protocol shapes the targets return (only the fields sockbook fills). */
export interface DapSource {
  name: string;
  path?: string;
  presentationHint?: 'normal' | 'emphasize' | 'deemphasize';
}

export interface DapStackFrame {
  id: number;
  name: string;
  line: number;
  column: number;
  source?: DapSource;
  presentationHint?: 'normal' | 'label' | 'subtle';
}

export interface DapScope {
  name: string;
  variablesReference: number;
  expensive: boolean;
  presentationHint?: 'arguments' | 'locals' | 'registers';
}

export interface DapVariable {
  name: string;
  value: string;
  type?: string;
  variablesReference: number;
  evaluateName?: string;
}

export interface DapEvaluation {
  result: string;
  type?: string;
  variablesReference: number;
}

/** Turns typed DAP values into the JSON body of a response. */
export function body(value: object): DebugBody {
  return JSON.parse(JSON.stringify(value)) as { [key: string]: DebugJson };
}

/** A request that failed, with what to tell the user. */
export class DapError extends Error {}
