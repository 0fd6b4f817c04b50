/** The deploy plan against the server: hash the local package (no archive), read the deployed record, compare. */
import type { VastClient } from '../api/client';
import { hashPackage, putBody, type DeploymentSpec } from '../packaging';
import { planDeploy, type DeployedState, type LocalState, type Plan } from '../../shared/plan';

export interface ServerPlan extends Plan {
    name: string;
    tag: string;
    fileHash: string;
    /** The PUT body that would be sent (file_size 0: the archive is not built for a plan). */
    body: Record<string, unknown>;
}

/** Computes which tier a deploy of `spec` would fire. */
export async function computePlan(
    client: VastClient,
    spec: DeploymentSpec,
    opts: { signal?: AbortSignal; baseDir?: string; workspaceRoot?: string } = {},
): Promise<ServerPlan> {
    const fileHash = await hashPackage(spec, opts);
    const body = putBody(spec, fileHash, 0, { webserverUrl: client.webserverUrl, autoscalerUrl: client.autoscalerUrl });
    const sameName = await client.findDeployments(spec.name, undefined, { signal: opts.signal });
    const match = sameName.find((d) => d.tag === spec.tag);
    let deployed: DeployedState | undefined;
    let endpoint: Record<string, unknown> | undefined;
    if (match) {
        deployed = (await client.showDeployment(match.id, { signal: opts.signal })) as DeployedState;
        const endpointId = (deployed.endpoint_id ?? match.endpoint_id) as number | undefined;
        if (endpointId !== undefined) {
            // The endpoint row carries the autoscaling fields; without it the plan says it could not compare them.
            endpoint = await client.getEndpoint(endpointId, { signal: opts.signal }).catch((e: unknown) => {
                if (opts.signal?.aborted) throw e;
                return undefined;
            });
        }
    }
    const plan = planDeploy({
        local: body as LocalState,
        deployed,
        sameName: sameName as DeployedState[],
        endpoint,
        imageEnv: spec.envs.length > 0,
    });
    return { ...plan, name: spec.name, tag: spec.tag, fileHash, body };
}
