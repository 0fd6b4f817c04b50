/** Console API (`/api/v0/...`) routes other than the deployment PUT. All need a user key (checked by the caller). */
import type { EmulatorCore } from './core';
import { putDeployment } from './deployments';
import { apiError, json, jsonObject, type Reply, type Req } from './http';
import { downloadUrl } from './s3';
import { now, type DeploymentRec } from './state';
import { AUTOSCALING_FIELDS } from '../shared/autoscaling';

const notFound = (what: string): Reply => apiError(404, 'not_found', `${what} not found`);
const badJson = (): Reply => apiError(400, 'invalid_args', 'The request body must be a JSON object');

export function consoleRoute(core: EmulatorCore, req: Req, user: string): Reply | undefined {
    const { method, path } = req;
    // `vastai show deployments` calls it without the trailing slash.
    if (path === '/api/v0/deployments/' || path === '/api/v0/deployments') {
        const body = jsonObject(req.body);
        if (method === 'PUT') return body ? putDeployment(core, user, body) : badJson();
        if (method === 'GET') {
            const list = [...core.store.deployments.values()].filter((d) => d.user === user);
            return json(200, { success: true, deployments: list.map((d) => core.deploymentJson(d)) });
        }
        if (method === 'DELETE') {
            if (!body) return badJson();
            if (typeof body.name !== 'string') return apiError(400, 'invalid_args', 'Missing required field: name');
            if (body.tag !== undefined && typeof body.tag !== 'string') {
                return apiError(400, 'invalid_args', 'Field tag must be a string');
            }
            const victims = [...core.store.deployments.values()].filter(
                (d) => d.user === user && d.name === body.name && (body.tag === undefined || d.tag === body.tag),
            );
            if (victims.length === 0) return notFound('Deployment');
            for (const d of victims) deleteDeployment(core, d);
            return json(200, { success: true, count: victims.length, deleted: victims.map((d) => d.id) });
        }
        return undefined;
    }
    let m = /^\/api\/v0\/deployment\/(\d+)\/(?:(stop|start|versions|heartbeat|download_url)\/)?$/.exec(path);
    if (m) {
        const d = core.ownDeployment(user, Number(m[1]));
        if (!d) return notFound('Deployment');
        return deploymentAction(core, d, method, m[2]);
    }
    m = /^\/api\/v0\/endptjobs\/(?:(\d+)\/)?$/.exec(path);
    if (m) return endptjobs(core, req, user, m[1] !== undefined ? Number(m[1]) : undefined);
    m = /^\/api\/v0\/(?:workergroups|autojobs)\/(?:(\d+)\/)?$/.exec(path);
    if (m) return workergroups(core, req, user, m[1] !== undefined ? Number(m[1]) : undefined);
    return undefined;
}

export function deleteDeployment(core: EmulatorCore, d: DeploymentRec): void {
    core.workers.removeDeployment(d);
    core.store.deleteDeployment(d);
}

function deploymentAction(
    core: EmulatorCore,
    d: DeploymentRec,
    method: string,
    action: string | undefined,
): Reply | undefined {
    const ep = core.store.endpoints.get(d.endpoint_id);
    switch (`${method} ${action ?? ''}`) {
        case 'GET ':
            return json(200, { success: true, deployment: core.deploymentJson(d) });
        case 'DELETE ':
            deleteDeployment(core, d);
            return json(200, { success: true, msg: `Deployment ${d.id} deleted` });
        case 'POST stop':
        case 'POST start': {
            if (!ep) return notFound('Endpoint');
            ep.endpoint_state = action === 'stop' ? 'stopped' : 'active';
            if (action === 'stop') core.workers.stopDeployment(d, false);
            else {
                core.workers.stopDeployment(d, true);
                core.workers.reconcile(d);
            }
            core.store.changed();
            return json(200, { success: true, endpoint_state: ep.endpoint_state });
        }
        case 'GET versions':
            return json(200, { success: true, versions: core.store.versionsOf(d.id).map((v) => core.versionJson(v)) });
        case 'POST heartbeat':
            d.last_client_heartbeat = now();
            core.store.changed();
            return json(200, { success: true, last_client_heartbeat: d.last_client_heartbeat });
        case 'GET download_url': {
            const v = d.current_version_id !== null ? core.store.versions.get(d.current_version_id) : undefined;
            if (!v?.blob) return apiError(404, 'not_found', 'No uploaded version for this deployment');
            return json(200, { success: true, download_url: downloadUrl(core, v.s3_key) });
        }
        default:
            return undefined;
    }
}

function pickSettings(body: Record<string, unknown>): Record<string, number | string> | string {
    const out: Record<string, number | string> = {};
    for (const f of AUTOSCALING_FIELDS) {
        const v = body[f];
        if (v === undefined || v === null) continue;
        if (f === 'autoscaler_instance' ? typeof v !== 'string' : typeof v !== 'number') {
            return `Field ${f} must be a ${f === 'autoscaler_instance' ? 'string' : 'number'}`;
        }
        out[f] = v as number | string;
    }
    return out;
}

function endptjobs(core: EmulatorCore, req: Req, user: string, id: number | undefined): Reply | undefined {
    const body = jsonObject(req.body);
    if (id === undefined) {
        if (req.method === 'GET') {
            const results = [...core.store.endpoints.values()].filter((e) => e.user === user);
            return json(200, { success: true, results: results.map((e) => core.endpointJson(e)) });
        }
        if (req.method === 'POST') {
            if (!body) return badJson();
            if (typeof body.endpoint_name !== 'string' || body.endpoint_name === '') {
                return apiError(400, 'invalid_args', 'Missing required field: endpoint_name');
            }
            const settings = pickSettings(body);
            if (typeof settings === 'string') return apiError(400, 'invalid_args', settings);
            const eid = core.store.id();
            core.store.endpoints.set(eid, {
                id: eid,
                user,
                endpoint_name: body.endpoint_name,
                api_key: core.newEndpointKey(),
                deployment_id: null,
                endpoint_state: 'active',
                settings,
                created_at: now(),
            });
            core.store.changed();
            return json(200, { success: true, result: eid });
        }
        return undefined;
    }
    const ep = core.ownEndpoint(user, id);
    if (!ep) return notFound('Endpoint');
    if (req.method === 'GET') return json(200, { success: true, result: core.endpointJson(ep) });
    if (req.method === 'PUT') {
        if (!body) return badJson();
        const settings = pickSettings(body);
        if (typeof settings === 'string') return apiError(400, 'invalid_args', settings);
        Object.assign(ep.settings, settings);
        if (
            body.endpoint_state === 'active' ||
            body.endpoint_state === 'stopped' ||
            body.endpoint_state === 'suspended'
        ) {
            ep.endpoint_state = body.endpoint_state;
        }
        const dep = ep.deployment_id !== null ? core.store.deployments.get(ep.deployment_id) : undefined;
        if (dep) {
            Object.assign(dep.autoscaling, settings);
            core.workers.reconcile(dep);
        }
        core.store.changed();
        return json(200, { success: true });
    }
    if (req.method === 'DELETE') {
        const dep = ep.deployment_id !== null ? core.store.deployments.get(ep.deployment_id) : undefined;
        const workers = core.workers.workersOf(ep.id).map((w) => w.id);
        if (dep) deleteDeployment(core, dep);
        core.store.endpoints.delete(ep.id);
        for (const wg of [...core.store.workergroups.values()]) {
            if (wg.endpoint_id === ep.id) core.store.workergroups.delete(wg.id);
        }
        core.store.changed();
        return json(200, {
            success: true,
            deleted_workers: workers,
            failed_workers: [],
            msg: `Endpoint ${ep.id} deleted`,
        });
    }
    return undefined;
}

function workergroups(core: EmulatorCore, req: Req, user: string, id: number | undefined): Reply | undefined {
    if (id === undefined) {
        if (req.method === 'GET') {
            const results = [...core.store.workergroups.values()].filter((w) => w.user === user);
            return json(200, {
                success: true,
                results: results.map((w) => ({
                    id: w.id,
                    endpoint_id: w.endpoint_id,
                    search_params: w.search_params,
                    ...w.settings,
                })),
            });
        }
        if (req.method === 'POST') {
            const body = jsonObject(req.body);
            if (!body) return badJson();
            if (typeof body.search_params !== 'string') {
                return apiError(400, 'invalid_args', 'Missing required field: search_params');
            }
            const ep =
                typeof body.endpoint_id === 'number'
                    ? core.ownEndpoint(user, body.endpoint_id)
                    : [...core.store.endpoints.values()].find(
                          (e) => e.user === user && e.endpoint_name === body.endpoint_name,
                      );
            if (!ep) {
                return apiError(400, 'invalid_args', 'endpoint_id or endpoint_name must name one of your endpoints');
            }
            const wid = core.store.id();
            const { search_params, endpoint_id: _e, endpoint_name: _n, api_key: _k, ...settings } = body;
            core.store.workergroups.set(wid, {
                id: wid,
                user,
                endpoint_id: ep.id,
                search_params,
                settings,
                created_at: now(),
            });
            core.store.changed();
            return json(200, { success: true, id: wid });
        }
        return undefined;
    }
    const wg = core.store.workergroups.get(id);
    if (!wg || wg.user !== user) return notFound('Workergroup');
    if (req.method === 'DELETE') {
        core.store.workergroups.delete(id);
        core.store.changed();
        return json(200, { success: true });
    }
    if (req.method === 'GET') return json(200, { success: true, result: { id: wg.id, endpoint_id: wg.endpoint_id } });
    return undefined;
}
