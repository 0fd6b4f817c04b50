// Shared bits of the adversarial suite (issue 12): every attack runs against the real bundles in child processes,
// so a hang or a memory blow-up shows as a failed deadline or ceiling, never as a stuck test runner.
import * as assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/paths';
import { LspClient, type ClientOptions } from '../server/lspClient';

export const SERVER_BUNDLE = path.join(repoRoot, 'dist', 'server.js');
export const CLI_BUNDLE = path.join(repoRoot, 'dist', 'cli.js');

/** Builds dist/ when a test file runs alone (`npm test` builds first). */
export function ensureBundles(): void {
    if (fs.existsSync(SERVER_BUNDLE) && fs.existsSync(CLI_BUNDLE)) return;
    const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
    assert.equal(r.status, 0, 'esbuild');
}

/** Rejects with `what` when `p` has not settled within `ms`. */
export function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms);
    });
    return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** Peak resident set size of a live process (Linux VmHWM), in MB. */
export function peakRssMb(pid: number): number {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
}

/** The language server bundle over stdio, killed by `stop()` whatever state it is in. */
export async function startServer(
    opts: ClientOptions = {},
): Promise<{ client: LspClient; child: ChildProcess; stop(): void }> {
    ensureBundles();
    const { client, child } = await within(20000, 'initialize', LspClient.stdio(SERVER_BUNDLE, opts));
    return {
        client,
        child,
        stop: () => {
            client.connection.dispose();
            child.kill('SIGKILL');
        },
    };
}
