/**
 * What the SDK sends about a packaged deployment besides the tarball: the `env` docker-options string and the
 * `PUT /api/v0/deployments/` body (`DeploymentConfig.to_dict()`, `None` dropped).
 */
import { AUTOSCALING_FIELDS } from '../autoscaling';
import type { DeploymentSpec, ScalarValue } from './spec';

/** The SDK's default console URL; `VAST_API_URL` is only passed to workers when the URL differs. */
export const DEFAULT_WEBSERVER_URL = 'https://console.vast.ai';

const AUTOSCALER_BY_INSTANCE: Record<string, string> = {
    prod: 'https://run.vast.ai',
    alpha: 'https://run-alpha.vast.ai',
    candidate: 'https://run-candidate.vast.ai',
    local: 'http://localhost:8080',
};

/** The autoscaler base URL: an explicit URL wins, else the instance (`prod`/`alpha`/`candidate`/`local`, other = prod). */
export function autoscalerUrlFor(instance?: string, explicitUrl?: string): string {
    if (explicitUrl) return explicitUrl;
    return AUTOSCALER_BY_INSTANCE[instance ?? 'prod'] ?? (AUTOSCALER_BY_INSTANCE.prod as string);
}

/** The two base URLs a deploy talks to. */
export interface ServiceUrls {
    webserverUrl: string;
    autoscalerUrl: string;
}

/** `Deployment._compile_env`: ports, REPORT_ADDR, VAST_API_URL (when not default), system python or ENV_PATH. */
export function envString(spec: DeploymentSpec, urls: ServiceUrls): string {
    const parts = spec.ports.map((p) => `-p ${p.port}:${p.port}/${p.type}`);
    parts.push(`-e REPORT_ADDR=${urls.autoscalerUrl}`);
    if (urls.webserverUrl !== DEFAULT_WEBSERVER_URL) parts.push(`-e VAST_API_URL=${urls.webserverUrl}`);
    if (spec.venv === '') {
        parts.push('-e USE_SYSTEM_PYTHON=true', '-e UV_SYSTEM_PYTHON=1', '-e UV_BREAK_SYSTEM_PACKAGES=1');
    } else if (spec.venv !== null) {
        parts.push(`-e ENV_PATH=${spec.venv}`);
    }
    return parts.join(' ');
}

/** `DeploymentConfig`'s fields in declaration order. */
const CONFIG_FIELDS = [
    'name',
    'image',
    'file_hash',
    'file_size',
    'env',
    'tag',
    'search_params',
    'storage',
    'ttl',
    'version_label',
    'docker_login_user',
    'docker_login_pass',
    'docker_login_repo',
    ...AUTOSCALING_FIELDS,
];

/** The PUT body, field order of `DeploymentConfig`, nulls dropped. */
export type PutBody = Record<string, ScalarValue>;

/** `DeploymentConfig(...).to_dict()` for this spec and package. */
export function putBody(spec: DeploymentSpec, fileHash: string, fileSize: number, urls: ServiceUrls): PutBody {
    const body: Record<string, ScalarValue | undefined> = {
        name: spec.name,
        image: spec.image,
        file_hash: fileHash,
        file_size: fileSize,
        env: envString(spec, urls),
        tag: spec.tag,
        search_params: spec.searchParams,
        storage: spec.storage,
        ttl: spec.ttl,
        version_label: spec.versionLabel,
        ...spec.dockerLogin,
        ...spec.autoscaling,
    };
    // `dataclasses.asdict` order: the dataclass's fields, whatever order the keywords came in.
    const out: PutBody = {};
    for (const k of CONFIG_FIELDS) {
        const v = body[k];
        if (v !== null && v !== undefined) out[k] = v;
    }
    return out;
}
