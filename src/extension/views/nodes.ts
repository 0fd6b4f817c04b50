import type { DeploymentSummary, FunctionSummary } from '../../shared/protocol';
import type { DeploymentVersions, VersionRow } from '../../pipeline/run/versions';
import type { RemoteDeployment, WorkerInfo } from '../types';
import type { VersionsView } from './versionWords';
import type { WorkerFailure } from '../workerFailure';

/** Nodes of the two trees. Plain objects: commands receive them as their first argument from context menus. */
export type TreeNode =
    | { kind: 'folder'; id: string; folderUri: string; name: string; children: DeploymentNode[] }
    | DeploymentNode
    | { kind: 'function'; id: string; parent: DeploymentNode; fn: FunctionSummary }
    | { kind: 'image'; id: string; parent: DeploymentNode }
    | { kind: 'filter'; id: string; parent: TreeNode; term: string }
    | { kind: 'autoscaling'; id: string; parent: DeploymentNode }
    | { kind: 'setting'; id: string; parent: TreeNode; key: string; value: string }
    | { kind: 'workers'; id: string; parent: DeploymentNode | RemoteNode }
    | { kind: 'worker'; id: string; parent: TreeNode; worker: WorkerInfo }
    | { kind: 'versions'; id: string; parent: DeploymentNode; view: VersionsView }
    | { kind: 'version'; id: string; parent: TreeNode; row: VersionRow; data: DeploymentVersions }
    | { kind: 'message'; id: string; parent?: TreeNode; text: string; detail?: string; tooltip?: string; icon: string }
    | { kind: 'failure'; id: string; parent: DeploymentNode; failure: WorkerFailure }
    | RemoteNode;

export interface DeploymentNode {
    kind: 'deployment';
    id: string;
    summary: DeploymentSummary;
    parent?: TreeNode;
}

export interface RemoteNode {
    kind: 'remoteDeployment';
    id: string;
    remote: RemoteDeployment;
}

export function isDeploymentNode(x: unknown): x is DeploymentNode {
    return !!x && typeof x === 'object' && (x as TreeNode).kind === 'deployment';
}

export function isFunctionNode(x: unknown): x is Extract<TreeNode, { kind: 'function' }> {
    return !!x && typeof x === 'object' && (x as TreeNode).kind === 'function';
}

export function isRemoteNode(x: unknown): x is RemoteNode {
    return !!x && typeof x === 'object' && (x as TreeNode).kind === 'remoteDeployment';
}
