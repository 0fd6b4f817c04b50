/** Shapes of the Vast API answers the client reads (reference §1). Unknown extra fields are kept. */

/** `PUT /api/v0/deployments/` answer (`DeploymentPutResponse`). */
export interface PutDeploymentResponse {
    success: boolean;
    /** `created` | `soft_update` | `autoscale_update` | `exists` (others are passed through). */
    action: string;
    deployment_id: number;
    endpoint_id: number;
    workergroup_id?: number | null;
    upload_url?: string | null;
    upload_fields?: Record<string, string> | null;
    evicted_versions?: unknown[] | null;
    [k: string]: unknown;
}

/** A deployment record as `GET /api/v0/deployment/{id}/` and the list return it. */
export interface DeploymentRecord {
    id: number;
    name: string;
    tag: string;
    image?: string;
    endpoint_id?: number;
    endpoint_state?: string;
    worker_count?: number;
    env?: string;
    s3_key?: string;
    file_hash?: string;
    search_params?: string;
    current_version_id?: number | null;
    last_healthy_version_id?: number | null;
    storage?: number;
    ttl?: number | null;
    last_client_heartbeat?: string | number | null;
    created_at?: string | number;
    updated_at?: string | number;
    [k: string]: unknown;
}

/** An endpoint row (`endptjobs`). */
export interface EndpointRecord {
    id: number;
    endpoint_name: string;
    /** The endpoint's own key, used for `/route/` and worker calls. */
    api_key?: string;
    endpoint_state?: string;
    cold_workers?: number;
    max_workers?: number;
    min_load?: number;
    min_cold_load?: number;
    target_util?: number;
    cold_mult?: number;
    max_queue_time?: number;
    target_queue_time?: number;
    inactivity_timeout?: number;
    [k: string]: unknown;
}

/** A worker from `/get_endpoint_workers/` (status is free-form; match it case-insensitively). */
export interface WorkerRecord {
    id: number;
    status: string;
    cur_load?: number;
    new_load?: number;
    cur_load_rolling_avg?: number;
    cur_perf?: number;
    perf?: number;
    measured_perf?: number;
    dlperf?: number;
    reliability?: number;
    reqs_working?: number;
    disk_usage?: number;
    loaded_at?: number;
    started_at?: number;
    [k: string]: unknown;
}

export interface WorkergroupRecord {
    id: number;
    endpoint_id?: number;
    [k: string]: unknown;
}

/** `/route/` answer: READY when `url` is present, WAITING otherwise. */
export interface RouteResponse {
    endpoint?: string;
    url?: string;
    status?: string;
    request_idx?: number;
    cost?: number;
    reqnum?: number;
    signature?: string;
    __request_id?: string;
    [k: string]: unknown;
}

/** True for a worker status that means "ready to serve" (`IDLE`, `Ready`, `running`). */
export function isReadyWorkerStatus(status: string | undefined): boolean {
    const s = (status ?? '').toLowerCase();
    return s === 'idle' || s === 'ready' || s === 'running';
}
