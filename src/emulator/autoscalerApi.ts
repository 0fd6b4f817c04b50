/** Autoscaler API (`run.vast.ai` paths): `/route/`, `/pubkey/`, workers, logs and rolling updates. */
import { randomBytes } from 'node:crypto';
import type { EmulatorCore } from './core';
import { json, jsonObject, keyOf, type Reply, type Req } from './http';
import type { EndpointRec } from './state';

const UI_LABEL: Record<string, string> = {
    CREATING: 'Creating',
    LOADING: 'Loading',
    MODEL_LOADING: 'Loading',
    IDLE: 'Ready',
    ERROR: 'Error',
    STOPPED: 'Stopped',
    REBOOTING: 'Rebooting',
    UPDATE_REBOOTING: 'Updating',
};

/** The autoscaler's error shape (`{"error_msg": ...}`, which the SDK reads on auth problems). */
const asError = (status: number, msg: string): Reply => json(status, { error_msg: msg });

export function autoscalerRoute(core: EmulatorCore, req: Req): Reply | undefined {
    if (req.path === '/pubkey/' && req.method === 'GET') {
        return { status: 200, text: core.publicKeyPem, contentType: 'text/plain; charset=utf-8' };
    }
    if (req.method !== 'POST') return undefined;
    const known = [
        '/route/',
        '/get_endpoint_workers/',
        '/get_workergroup_workers/',
        '/get_endpoint_logs/',
        '/get_autogroup_logs/',
        '/update_workers/',
    ];
    if (!known.includes(req.path)) return undefined;
    const body = jsonObject(req.body);
    if (!body) return asError(400, 'The request body must be a JSON object');
    const key = typeof body.api_key === 'string' && body.api_key ? body.api_key : keyOf(req);
    if (!key) return asError(401, 'api_key is required');
    if (req.path === '/route/') return route(core, body, key);
    const user = core.userOfKey(key);
    if (!user) return asError(401, 'Invalid api_key');
    const id =
        typeof body.id === 'number' ? body.id : typeof body.workergroup_id === 'number' ? body.workergroup_id : NaN;
    let ep: EndpointRec | undefined;
    if (
        req.path === '/get_workergroup_workers/' ||
        req.path === '/get_autogroup_logs/' ||
        req.path === '/update_workers/'
    ) {
        const wg = core.store.workergroups.get(id);
        ep = wg && wg.user === user ? core.store.endpoints.get(wg.endpoint_id) : undefined;
        if (!ep) return asError(404, `workergroup ${Number.isNaN(id) ? '' : id} not found`.trim());
    } else {
        ep = core.ownEndpoint(user, id);
        if (!ep && typeof body.endpoint === 'string') {
            ep = [...core.store.endpoints.values()].find((e) => e.user === user && e.endpoint_name === body.endpoint);
        }
        if (!ep) return asError(404, `endpoint ${Number.isNaN(id) ? '' : id} not found`.trim());
    }
    if (req.path.endsWith('_workers/') && req.path !== '/update_workers/') {
        return json(
            200,
            core.workers.workersOf(ep.id).map((w) => core.workerJson(w)),
        );
    }
    if (req.path.endsWith('_logs/')) {
        const tail = typeof body.tail === 'number' && body.tail > 0 ? body.tail : undefined;
        const lines = core.workers.logsOf(ep.id, tail);
        return json(200, { success: true, endpoint: ep.endpoint_name, logs: lines.join('\n'), lines });
    }
    // /update_workers/
    const dep = ep.deployment_id !== null ? core.store.deployments.get(ep.deployment_id) : undefined;
    if (!dep) return asError(404, 'no deployment for this workergroup');
    if (body.cancel_update === true) return json(200, { success: true, msg: 'No update to cancel' });
    const n = core.workers.rollingUpdate(dep);
    return json(200, { success: true, msg: `Rolling update started for ${n} worker(s)` });
}

let rr = 0;

function route(core: EmulatorCore, body: Record<string, unknown>, key: string): Reply {
    if (typeof body.endpoint !== 'string' || body.endpoint === '') return asError(400, 'endpoint is required');
    const user = core.userOfKey(key);
    const ep = [...core.store.endpoints.values()].find(
        (e) => e.endpoint_name === body.endpoint && (e.api_key === key || e.user === user),
    );
    // Another account's endpoint answers exactly as a missing one: names do not leak across keys.
    if (!ep) return asError(404, `Endpoint ${body.endpoint} not found`);
    const cost = typeof body.cost === 'number' && body.cost > 0 ? body.cost : 100;
    const given = body.request_idx;
    const requestIdx =
        typeof given === 'number' && Number.isInteger(given) && given > 0 ? given : core.nextRequestIdx();
    const dep = ep.deployment_id !== null ? core.store.deployments.get(ep.deployment_id) : undefined;
    if (dep && ep.endpoint_state === 'active') core.workers.noteDemand(dep, cost);
    const workers = core.workers.workersOf(ep.id);
    const ready = workers.filter((w) => w.state === 'IDLE' && w.url);
    if (ready.length === 0 || ep.endpoint_state !== 'active') {
        const counts = new Map<string, number>();
        for (const w of workers) {
            counts.set(UI_LABEL[w.state] ?? w.state, (counts.get(UI_LABEL[w.state] ?? w.state) ?? 0) + 1);
        }
        const status =
            ep.endpoint_state !== 'active'
                ? 'Stopped'
                : counts.size === 0
                  ? dep && core.workers.noMachine(dep)
                      ? 'No workers: no machine matches the search_params'
                      : 'No workers'
                  : [...counts].map(([k, v]) => `${k}: ${v}`).join(', ');
        return json(200, { endpoint: ep.endpoint_name, status, request_idx: requestIdx });
    }
    const least = Math.min(...ready.map((w) => w.reqsWorking));
    const pool = ready.filter((w) => w.reqsWorking === least);
    const w = pool[rr++ % pool.length]!;
    const reqnum = (core.reqnums.get(ep.id) ?? 0) + 1;
    core.reqnums.set(ep.id, reqnum);
    const url = w.url!;
    return json(200, {
        endpoint: ep.endpoint_name,
        url,
        cost,
        reqnum,
        signature: core.signUrl(url),
        request_idx: requestIdx,
        __request_id: randomBytes(8).toString('hex'),
    });
}
