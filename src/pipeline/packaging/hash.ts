/**
 * `file_hash` without building the archive (the SDK's `compute_deployment_hash`): SHA-256 over the config JSON,
 * `./deployment.py` + the filtered file, then every copied file's archive name + content, in sorted walk order. Reads are
 * double-buffered (the next read runs on the thread pool while this one is hashed), so hashing a large tree runs at
 * SHA-256 speed.
 */
import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import { filterIgnoredLines } from '../../shared/packaging';
import { PackagingAbortedError } from './parallelGzip';
import { DEPLOYMENT_ARCNAME, type PackagePlan } from './plan';

const READ_SIZE = 1 << 20;
/** Below this a file is read in one synchronous call (async overhead would dominate). */
const SMALL_FILE = 1 << 20;

export { DEPLOYMENT_ARCNAME };

/** Starts the hash: config JSON, then `./deployment.py` and the filtered module bytes. */
export function hashHead(plan: PackagePlan, moduleBytes: Uint8Array): Hash {
    const h = createHash('sha256');
    h.update(plan.spec.configJson, 'utf8');
    h.update(DEPLOYMENT_ARCNAME, 'utf8');
    h.update(filterIgnoredLines(moduleBytes));
    return h;
}

async function hashFile(h: Hash, p: string, size: number, bufs: [Buffer, Buffer]): Promise<void> {
    if (size <= SMALL_FILE) {
        h.update(fs.readFileSync(p));
        return;
    }
    const fh = await fs.promises.open(p, 'r');
    try {
        let i = 0;
        let pending = fh.read(bufs[0], 0, READ_SIZE, null);
        for (;;) {
            const { bytesRead } = await pending;
            if (bytesRead === 0) break;
            const cur = bufs[i] as Buffer;
            i ^= 1;
            pending = fh.read(bufs[i] as Buffer, 0, READ_SIZE, null);
            h.update(cur.subarray(0, bytesRead));
        }
    } finally {
        await fh.close();
    }
}

/** The SDK's `file_hash` for a plan (hex). Reads every copied byte once; nothing is written. */
export async function hashPlan(plan: PackagePlan, signal?: AbortSignal): Promise<string> {
    const h = hashHead(plan, fs.readFileSync(plan.deploymentPath));
    const bufs: [Buffer, Buffer] = [Buffer.allocUnsafe(READ_SIZE), Buffer.allocUnsafe(READ_SIZE)];
    for (const e of plan.hashOrder) {
        if (signal?.aborted) throw new PackagingAbortedError();
        h.update(e.arcname, 'utf8');
        await hashFile(h, e.path, e.size, bufs);
    }
    return h.digest('hex');
}
