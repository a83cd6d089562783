import type { MagicDialect } from '../cells/dialect';
import type { CellPlan } from '../cells/plan';

/** A cell the plan thread is asked to plan. */
export interface PlanRequest {
  id: number;
  code: string;
  dialect: MagicDialect;
}

/** What the plan thread answers. */
export type PlanReply = { id: number; ok: true; plan: CellPlan } | { id: number; ok: false; message: string };
