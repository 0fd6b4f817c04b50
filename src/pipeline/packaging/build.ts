/**
 * Builds the deployment tarball and its `file_hash` in one pass over the files: each file is read once, straight
 * into the gzip chunk buffers, hashed on the way, and deflated on worker threads (see parallelGzip.ts).
 */
import type { Hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEPLOYMENT_ARCNAME, hashHead, hashPlan } from './hash';
import { ParallelGzipWriter } from './parallelGzip';
import type { PackagePlan } from './plan';
import { tarHeader, tarTrailer, padding, type TarHeaderInfo } from './tarHeader';

/** One entry of the built archive, in archive order. */
export interface BuiltEntry {
    name: string;
    type: 'file' | 'dir' | 'symlink' | 'hardlink';
    mode: number;
    size: number;
}

export interface BuildProgress {
    /** Content bytes packaged so far / in total. */
    bytesDone: number;
    bytesTotal: number;
    /** Archive name of the entry being packaged. */
    current: string;
}

export interface BuildOptions {
    /** Where to write the .tar.gz; default: a new temp file. */
    outFile?: string;
    signal?: AbortSignal;
    onProgress?: (p: BuildProgress) => void;
    /** Deflate level for compressible data (default 1). */
    level?: number;
    /** Worker threads for deflate (default: CPU count, at most 4; none for packages under 8 MiB). */
    threads?: number;
}

export interface BuiltPackage {
    filePath: string;
    fileHash: string;
    fileSize: number;
    entries: BuiltEntry[];
}

const INLINE_LIMIT = 8 << 20;

/** Hashes a file's bytes in 1 MiB reads (a symlink's target: not part of the archive stream). */
function hashFileSync(hash: Hash, p: string): void {
    const buf = Buffer.allocUnsafe(1 << 20);
    const fd = fs.openSync(p, 'r');
    try {
        for (let n = fs.readSync(fd, buf); n > 0; n = fs.readSync(fd, buf)) hash.update(buf.subarray(0, n));
    } finally {
        fs.closeSync(fd);
    }
}

function defaultThreads(bytes: number): number {
    if (bytes < INLINE_LIMIT) return 0;
    return Math.max(1, Math.min(os.availableParallelism(), 4));
}

async function tempTarball(): Promise<string> {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'vast-deployment-'));
    return path.join(dir, 'deployment.tar.gz');
}

/** Builds the tarball for a plan. On failure or cancel the partial file is removed and the error rethrown. */
export async function buildPlan(plan: PackagePlan, options: BuildOptions = {}): Promise<BuiltPackage> {
    const filePath = options.outFile ?? (await tempTarball());
    const fd = fs.openSync(filePath, 'w', 0o600);
    const module = fs.readFileSync(plan.deploymentPath);
    const total = plan.copyBytes + module.length;
    const gz = new ParallelGzipWriter(fd, {
        level: options.level,
        threads: options.threads ?? defaultThreads(total),
        signal: options.signal,
    });
    const entries: BuiltEntry[] = [];
    let tarBytes = 0;
    let done = 0;
    let lastReport = 0;
    const report = (current: string, force = false) => {
        if (!options.onProgress || (!force && done - lastReport < 16 << 20)) return;
        lastReport = done;
        options.onProgress({ bytesDone: done, bytesTotal: total, current });
    };
    const put = async (info: TarHeaderInfo) => {
        const h = tarHeader(info);
        tarBytes += h.length;
        await gz.write(h);
        entries.push({ name: info.name, type: info.type, mode: info.mode, size: info.type === 'file' ? info.size : 0 });
    };
    const pad = async (size: number) => {
        const n = padding(size);
        tarBytes += size + n;
        if (n > 0) await gz.write(Buffer.alloc(n));
    };
    // One pass hashes on the way when the archive order is the hash order; otherwise (a folder listed unsorted by
    // the file system) the hash reads the files a second time, in sorted order, while the archive is written.
    const hashed = plan.entries.filter((e) => e.hashed);
    const onTheWay = hashed.length === plan.hashOrder.length && hashed.every((e, i) => e === plan.hashOrder[i]);
    const separate = onTheWay ? undefined : hashPlan(plan, options.signal);
    separate?.catch(() => undefined); // awaited below; a failure must not be an unhandled rejection meanwhile
    try {
        const hash = onTheWay ? hashHead(plan, module) : undefined;
        const config = Buffer.from(plan.spec.configJson, 'utf8');
        await put({ name: './config.json', type: 'file', mode: 0o644, size: config.length, mtime: 0 });
        await gz.write(config);
        await pad(config.length);
        const ds = plan.deploymentStat;
        await put({ name: DEPLOYMENT_ARCNAME, type: 'file', mode: ds.mode, size: module.length, mtime: ds.mtime });
        await gz.write(module);
        await pad(module.length);
        done += module.length;
        for (const e of plan.entries) {
            if (e.kind === 'dir') {
                await put({ name: e.arcname, type: 'dir', mode: e.mode, size: 0, mtime: e.mtime });
                continue;
            }
            if (e.hashed) hash?.update(e.arcname, 'utf8');
            if (e.kind === 'symlink' || e.kind === 'hardlink') {
                // The SDK archives the link itself (tarfile.gettarinfo uses lstat; a second name of an archived
                // inode is a hard link entry) but hashes the content it points to.
                await put({
                    name: e.arcname,
                    type: e.kind,
                    mode: e.mode,
                    size: 0,
                    mtime: e.mtime,
                    linkname: e.linkname,
                });
                if (e.hashed && hash) hashFileSync(hash, e.path);
                done += e.size;
                continue;
            }
            await put({ name: e.arcname, type: 'file', mode: e.mode, size: e.size, mtime: e.mtime });
            const src = fs.openSync(e.path, 'r');
            try {
                await gz.writeFromFile(src, e.size, (piece) => {
                    hash?.update(piece);
                    done += piece.length;
                    report(e.arcname);
                });
            } finally {
                fs.closeSync(src);
            }
            await pad(e.size);
        }
        await gz.write(tarTrailer(tarBytes));
        const { outputBytes } = await gz.end();
        report('', true);
        fs.closeSync(fd);
        const fileHash = hash ? hash.digest('hex') : await (separate as Promise<string>);
        return { filePath, fileHash, fileSize: outputBytes, entries };
    } catch (err) {
        await gz.close();
        try {
            fs.closeSync(fd);
        } catch {
            // already closed
        }
        // Our own temp dir goes entirely; a caller's outFile only loses the partial file.
        await fs.promises.rm(options.outFile ? filePath : path.dirname(filePath), { recursive: true, force: true });
        throw err;
    }
}
