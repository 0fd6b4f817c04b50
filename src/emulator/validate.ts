/**
 * What `PUT /api/v0/deployments/` accepts (inferred: the console's checks are not public). Required: `name`,
 * `image`, `file_hash` (64 hex), `file_size` (integer > 0); every other field the SDK sends must have its SDK type.
 * Unknown fields are ignored, as most of the console's endpoints do.
 */
import { AUTOSCALING_FIELDS } from '../shared/autoscaling';
import { normalizeEnv } from '../shared/plan';

/** Longest string field accepted: a worker's environment must stay far below the kernel's 128 KiB per string. */
export const MAX_FIELD_BYTES = 64 * 1024;

const INT_FIELDS = new Set(['cold_workers', 'max_workers', 'inactivity_timeout']);
const STRING_FIELDS = [
    'env',
    'search_params',
    'tag',
    'version_label',
    'docker_login_user',
    'docker_login_pass',
    'docker_login_repo',
];

export interface DeploymentPut {
    name: string;
    image: string;
    file_hash: string;
    file_size: number;
    tag: string;
    env: string;
    search_params: string;
    storage: number;
    ttl: number | null;
    version_label: string | null;
    docker_login: Record<string, string>;
    autoscaling: Record<string, number | string>;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The validated body, or the error message for a 400. */
export function validateDeploymentPut(b: Record<string, unknown>): DeploymentPut | string {
    for (const f of ['name', 'image', 'file_hash'] as const) {
        if (b[f] === undefined || b[f] === null) return `Missing required field: ${f}`;
        if (typeof b[f] !== 'string') return `Field ${f} must be a string`;
    }
    if (b.file_size === undefined || b.file_size === null) return 'Missing required field: file_size';
    if (!isNum(b.file_size) || !Number.isInteger(b.file_size) || b.file_size <= 0) {
        return 'Field file_size must be a positive integer';
    }
    if ((b.name as string).trim() === '') return 'Field name must not be empty';
    if ((b.image as string).trim() === '') return 'Field image must not be empty';
    if (!/^[0-9a-f]{64}$/.test(b.file_hash as string)) return 'Field file_hash must be a SHA-256 hex digest';
    for (const f of STRING_FIELDS) {
        if (b[f] !== undefined && b[f] !== null && typeof b[f] !== 'string') return `Field ${f} must be a string`;
    }
    // Anything that cannot become a worker's environment or argument is refused here, naming the field.
    for (const f of ['name', 'image', ...STRING_FIELDS]) {
        const v = b[f];
        if (typeof v !== 'string') continue;
        if (v.includes('\0')) return `Field ${f} must not contain a NUL byte`;
        const n = Buffer.byteLength(v);
        if (n > MAX_FIELD_BYTES) return `Field ${f} is too long (${n} bytes; at most ${MAX_FIELD_BYTES})`;
    }
    if (b.tag === '') return 'Field tag must not be empty';
    // A fraction (16.5) is kept and honoured as GB: the SDK's DeploymentConfig carries storage as a float and Vast
    // sizes disks in GB as floats (inferred: the console's handling of a fraction is not public).
    if (b.storage !== undefined && b.storage !== null && (!isNum(b.storage) || b.storage <= 0)) {
        return 'Field storage must be a positive number';
    }
    // The SDK types ttl `float | None`: 2.5 and 0 are valid.
    if (b.ttl !== undefined && b.ttl !== null && (!isNum(b.ttl) || b.ttl < 0)) {
        return 'Field ttl must be a number >= 0 or null';
    }
    const autoscaling: Record<string, number | string> = {};
    for (const f of AUTOSCALING_FIELDS) {
        const v = b[f];
        if (v === undefined || v === null) continue;
        if (f === 'autoscaler_instance') {
            if (typeof v !== 'string') return `Field ${f} must be a string`;
        } else if (!isNum(v) || (INT_FIELDS.has(f) && !Number.isInteger(v))) {
            return `Field ${f} must be ${INT_FIELDS.has(f) ? 'an integer' : 'a number'}`;
        }
        autoscaling[f] = v;
    }
    const docker_login: Record<string, string> = {};
    for (const f of ['docker_login_user', 'docker_login_pass', 'docker_login_repo']) {
        if (typeof b[f] === 'string') docker_login[f] = b[f];
    }
    return {
        name: b.name as string,
        image: b.image as string,
        file_hash: b.file_hash as string,
        file_size: b.file_size,
        tag: typeof b.tag === 'string' ? b.tag : 'default',
        env: typeof b.env === 'string' ? b.env : '',
        search_params: typeof b.search_params === 'string' ? b.search_params : '',
        storage: isNum(b.storage) ? b.storage : 50,
        ttl: isNum(b.ttl) ? b.ttl : null,
        version_label: typeof b.version_label === 'string' ? b.version_label : null,
        docker_login,
        autoscaling,
    };
}

const sameRecord = (a: Record<string, unknown>, b: Record<string, unknown>): boolean =>
    JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/**
 * The tier the PUT falls in, compared with the deployment as stored (docs' tiers; wire mapping inferred):
 * image/env (its `-p` ports as a set: the SDK's order varies per process)/search_params/storage/docker login -> `hard_update` (the SDK has no string for it: this name is the
 * emulator's), file hash -> `soft_update`, autoscaling or ttl -> `autoscale_update`, else `exists`.
 */
export function decideAction(
    stored: {
        image: string;
        env: string;
        search_params: string;
        storage: number;
        docker_login: Record<string, string>;
        file_hash: string;
        autoscaling: Record<string, number | string>;
        ttl: number | null;
    },
    put: DeploymentPut,
): 'exists' | 'autoscale_update' | 'soft_update' | 'hard_update' {
    if (
        stored.image !== put.image ||
        normalizeEnv(stored.env) !== normalizeEnv(put.env) ||
        stored.search_params !== put.search_params ||
        stored.storage !== put.storage ||
        !sameRecord(stored.docker_login, put.docker_login)
    ) {
        return 'hard_update';
    }
    if (stored.file_hash !== put.file_hash) return 'soft_update';
    if (!sameRecord(stored.autoscaling, put.autoscaling) || stored.ttl !== put.ttl) return 'autoscale_update';
    return 'exists';
}
