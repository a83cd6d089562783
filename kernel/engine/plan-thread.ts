// The thread that plans big cells, so their text is scanned away from the
// kernel's main thread (which answers heartbeat and control).
import { parentPort } from 'node:worker_threads';
import { planCell } from '../cells/plan-cell';
import type { PlanReply, PlanRequest } from './plan-protocol';

parentPort?.on('message', (request: PlanRequest) => {
  let reply: PlanReply;
  try {
    reply = { id: request.id, ok: true, plan: planCell(request.code, request.dialect) };
  } catch (error) {
    reply = { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
