/**
 * What this workspace last deployed, per target and deployment: the file it came from (to notice a rename), the hash
 * and a manifest of the package (to name the files a later code change touched). Kept in workspaceState, bounded.
 */
import type * as vscode from 'vscode';
import type { Manifest } from './planWords';
import type { Target } from '../shared/settings';

export interface DeployRecord {
    name: string;
    tag: string;
    /** The .py file it was deployed from (URI string). */
    uri: string;
    fileHash: string;
    manifest: Manifest;
    at: number;
}

const KEY = 'vastDeployments.deployRecords';
const MAX = 200;

export class DeployRecords {
    constructor(private readonly memento: vscode.Memento) {}

    private all(): Record<string, DeployRecord> {
        const v = this.memento.get<unknown>(KEY);
        return v && typeof v === 'object' ? (v as Record<string, DeployRecord>) : {};
    }

    get(target: Target, name: string, tag: string): DeployRecord | undefined {
        return this.all()[`${target}\u0000${name}\u0000${tag}`];
    }

    /** Records deployed to `target` from `uri`. */
    fromFile(target: Target, uri: string): DeployRecord[] {
        return Object.entries(this.all())
            .filter(([k, r]) => k.startsWith(`${target}\u0000`) && r.uri === uri)
            .map(([, r]) => r);
    }

    async set(target: Target, record: DeployRecord): Promise<void> {
        const all = this.all();
        all[`${target}\u0000${record.name}\u0000${record.tag}`] = record;
        const kept = Object.entries(all)
            .sort((a, b) => b[1].at - a[1].at)
            .slice(0, MAX);
        await this.memento.update(KEY, Object.fromEntries(kept));
    }
}
