/**
 * What the SDK's worker server calls on the autoscaler (`REPORT_ADDR`, which is the emulator): `/worker_status/`
 * (`metrics.py`: load, perf, error, url, with the worker's `mtoken`) and `/delete_requests/` (finished requests).
 * `/pubkey/` is served by the autoscaler API.
 */
import type { EmulatorCore } from './core';
import { json, jsonObject, type Reply, type Req } from './http';

export function workerReportRoute(core: EmulatorCore, req: Req): Reply | undefined {
    if (req.method !== 'POST' || (req.path !== '/worker_status/' && req.path !== '/delete_requests/')) {
        return undefined;
    }
    const body = jsonObject(req.body);
    if (!body) return json(400, { error_msg: 'The request body must be a JSON object' });
    const id = typeof body.id === 'number' ? body.id : body.worker_id;
    const w = typeof id === 'number' ? core.workers.workers.get(id) : undefined;
    // The worker's master token proves the report comes from that worker (same answer when unknown: no probing).
    if (!w || typeof body.mtoken !== 'string' || body.mtoken !== w.mtoken) {
        return json(401, { error_msg: 'unknown worker or wrong mtoken' });
    }
    if (req.path === '/delete_requests/') return json(200, { success: true });
    core.workers.onStatusReport(w, body);
    return json(200, { success: true });
}
