/** `PUT /api/v0/deployments/`: create or update a deployment and answer the action, as the console would. */
import type { EmulatorCore } from './core';
import { apiError, json, type Reply } from './http';
import { now, type DeploymentRec, type VersionRec } from './state';
import { decideAction, validateDeploymentPut, type DeploymentPut } from './validate';

/** How many uploaded versions a deployment keeps; older ones are reported in `evicted_versions` (inferred). */
const KEEP_VERSIONS = 5;
const UPLOAD_TTL_S = 3600;

export function putDeployment(core: EmulatorCore, user: string, body: Record<string, unknown>): Reply {
    const put = validateDeploymentPut(body);
    if (typeof put === 'string') return apiError(400, 'invalid_args', put);
    if (!core.options.allowWorkers) {
        return apiError(
            403,
            'workers_not_allowed',
            'This local emulator runs for an untrusted workspace and will not run deployment code. Trust the workspace to deploy locally.',
        );
    }
    core.workers.warmUp(); // a worker is coming: have its interpreter ready by the time the upload is done
    const { store } = core;
    const existing = [...store.deployments.values()].find(
        (d) => d.user === user && d.name === put.name && d.tag === put.tag,
    );
    const t = now();
    if (!existing) {
        const d = createDeployment(core, user, put, t);
        const v = newVersion(core, d, put, 'created', t);
        return answer(core, d, 'created', v, []);
    }
    const action = decideAction(existing, put);
    const hashChanged = existing.file_hash !== put.file_hash;
    Object.assign(existing, {
        image: put.image,
        env: put.env,
        search_params: put.search_params,
        storage: put.storage,
        docker_login: put.docker_login,
        autoscaling: put.autoscaling,
        ttl: put.ttl,
        version_label: put.version_label,
        file_hash: put.file_hash,
        updated_at: t,
    });
    const ep = store.endpoints.get(existing.endpoint_id);
    if (ep) ep.settings = { ...put.autoscaling };
    let version: VersionRec | undefined;
    let evicted: number[] = [];
    if (hashChanged || action === 'hard_update') {
        // A version per new code (or new image/env): reuse one already waiting for the same hash.
        version = awaitingUpload(core, existing, put) ?? newVersion(core, existing, put, action, t);
        evicted = evict(core, existing);
        if (action === 'hard_update' && !hashChanged && blobFor(core, existing.id, put.file_hash)) {
            // Same code, new image/env: the stored blob serves the new version; workers restart on it now.
            version.blob = blobFor(core, existing.id, put.file_hash)!;
            version.status = 'uploaded';
            existing.current_version_id = version.id;
            core.workers.restartAll(existing);
        }
    } else {
        if (action === 'autoscale_update') core.workers.reconcile(existing);
        const current =
            existing.current_version_id !== null ? store.versions.get(existing.current_version_id) : undefined;
        // The last upload never arrived: the console still needs the blob.
        if (!current) version = awaitingUpload(core, existing, put);
    }
    store.changed();
    return answer(core, existing, action, version?.status === 'awaiting_upload' ? version : undefined, evicted);
}

function createDeployment(core: EmulatorCore, user: string, put: DeploymentPut, t: number): DeploymentRec {
    const { store } = core;
    const id = store.id();
    const endpointId = store.id();
    const wgId = store.id();
    let endpointName = put.tag === 'default' ? put.name : `${put.name}-${put.tag}`;
    if ([...store.endpoints.values()].some((e) => e.user === user && e.endpoint_name === endpointName)) {
        endpointName = `${endpointName}-${id}`;
    }
    store.endpoints.set(endpointId, {
        id: endpointId,
        user,
        endpoint_name: endpointName,
        api_key: core.newEndpointKey(),
        deployment_id: id,
        endpoint_state: 'active',
        settings: { ...put.autoscaling },
        created_at: t,
    });
    store.workergroups.set(wgId, {
        id: wgId,
        user,
        endpoint_id: endpointId,
        search_params: put.search_params,
        settings: {},
        created_at: t,
    });
    const d: DeploymentRec = {
        id,
        user,
        name: put.name,
        tag: put.tag,
        image: put.image,
        env: put.env,
        search_params: put.search_params,
        storage: put.storage,
        ttl: put.ttl,
        version_label: put.version_label,
        docker_login: put.docker_login,
        autoscaling: put.autoscaling,
        endpoint_id: endpointId,
        workergroup_id: wgId,
        file_hash: put.file_hash,
        current_version_id: null,
        last_healthy_version_id: null,
        last_client_heartbeat: null,
        created_at: t,
        updated_at: t,
    };
    store.deployments.set(id, d);
    return d;
}

function newVersion(core: EmulatorCore, d: DeploymentRec, put: DeploymentPut, action: string, t: number): VersionRec {
    const id = core.store.id();
    const v: VersionRec = {
        id,
        deployment_id: d.id,
        version: core.store.versionsOf(d.id).length + 1,
        file_hash: put.file_hash,
        file_size: put.file_size,
        version_label: put.version_label,
        action,
        status: 'awaiting_upload',
        s3_key: `deployments/${d.id}/${id}/${put.file_hash}.tar.gz`,
        blob: null,
        created_at: t,
    };
    core.store.versions.set(id, v);
    return v;
}

/**
 * A version still waiting for the same code. Another tool may package the same code into a tarball of another size
 * (gzip and mtimes differ): the new PUT's size wins, so the next presigned POST allows it.
 */
function awaitingUpload(core: EmulatorCore, d: DeploymentRec, put: DeploymentPut): VersionRec | undefined {
    const v = core.store.versionsOf(d.id).find((x) => x.status === 'awaiting_upload' && x.file_hash === put.file_hash);
    if (v) v.file_size = put.file_size;
    return v;
}

function blobFor(core: EmulatorCore, deploymentId: number, hash: string): string | null {
    return core.store.versionsOf(deploymentId).find((v) => v.file_hash === hash && v.blob)?.blob ?? null;
}

function evict(core: EmulatorCore, d: DeploymentRec): number[] {
    const kept = core.store.versionsOf(d.id).filter((v) => v.status !== 'evicted');
    const out: number[] = [];
    for (const v of kept.slice(0, Math.max(0, kept.length - KEEP_VERSIONS))) {
        if (v.id === d.current_version_id || v.id === d.last_healthy_version_id) continue;
        v.status = 'evicted';
        out.push(v.id);
    }
    return out;
}

function answer(
    core: EmulatorCore,
    d: DeploymentRec,
    action: string,
    upload: VersionRec | undefined,
    evicted: number[],
): Reply {
    core.store.changed();
    const body: Record<string, unknown> = {
        success: true,
        action,
        deployment_id: d.id,
        endpoint_id: d.endpoint_id,
        workergroup_id: d.workergroup_id,
    };
    if (upload) {
        const expires = Math.floor(now()) + UPLOAD_TTL_S;
        const policy = Buffer.from(
            JSON.stringify({
                expiration: new Date(expires * 1000).toISOString(),
                conditions: [
                    { bucket: 'vast-deployments' },
                    { key: upload.s3_key },
                    ['content-length-range', upload.file_size, upload.file_size],
                ],
            }),
        ).toString('base64');
        body.upload_url = `${core.baseUrl}/__s3/vast-deployments`;
        body.upload_fields = {
            key: upload.s3_key,
            'x-amz-algorithm': 'AWS4-HMAC-SHA256',
            'x-amz-credential': 'emulator/vast-deployments',
            policy,
            'x-amz-signature': core.hmac(policy),
        };
    }
    if (evicted.length > 0) body.evicted_versions = evicted;
    return json(200, body);
}
