/**
 * A gzip writer that deflates on worker threads. The input is cut into chunks; each chunk is deflated on its own
 * and ended with a sync flush (byte-aligned), so the chunks concatenate into ONE standard deflate stream (the pigz
 * layout) that any gunzip, Python's `tarfile` included, reads. Chunks that do not compress (model weights, archives)
 * are detected by deflating a few small samples and are written as stored blocks: no deflate effort spent on them.
 * Each worker also CRCs its chunk; the main thread combines the CRCs for the gzip trailer.
 */
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import * as zlib from 'node:zlib';
import { crc32Combine } from './crc32';

export interface GzipOptions {
    /** Deflate level for compressible chunks (1..9). Default 1: text still shrinks ~60%, at several times level 6's speed. */
    level?: number;
    /** Worker threads; 0 deflates on the calling thread (small packages). */
    threads?: number;
    /** Bytes per chunk (default 1 MiB: bounded memory, still negligible per-chunk overhead). */
    chunkSize?: number;
    signal?: AbortSignal;
}

/** Thrown when the caller's AbortSignal fires while packaging. */
export class PackagingAbortedError extends Error {
    constructor() {
        super('Packaging was cancelled');
        this.name = 'PackagingAbortedError';
    }
}

interface ChunkResult {
    id: number;
    crc: number;
    len: number;
    buf: ArrayBuffer;
    /** Deflated bytes ending in a sync flush, or null = write the chunk as stored blocks. */
    out: Uint8Array | null;
}

// The worker body, run with `eval` so the bundles (dist/) need no extra entry file.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
const compressible = (${compressible.toString()});
const deflateChunk = (${deflateChunk.toString()});
// Each chunk leaves a few hundred KiB of zlib state and output behind; collecting every few chunks keeps the
// worker's footprint flat (V8 would otherwise let tens of MiB of external garbage pile up per worker).
require('node:v8').setFlagsFromString('--expose-gc');
const collect = require('node:vm').runInNewContext('gc');
let sinceGc = 0;
parentPort.on('message', (m) => {
    if (++sinceGc === 16) {
        sinceGc = 0;
        collect();
    }
    parentPort.postMessage(deflateChunk(zlib, compressible, m.id, m.buf, m.len, m.level), [m.buf]);
});
`;

/**
 * Deflates 8 windows of 4 KiB, gathered into one buffer, at level 1: under 90% of the input = worth deflating.
 * One small deflate per chunk (each zlib handle holds ~256 KiB of native memory until GC).
 */
function compressible(data: Uint8Array, z: typeof zlib): boolean {
    const sample = 4096;
    const windows = 8;
    if (data.length <= sample * windows) return z.deflateRawSync(data, { level: 1 }).length < data.length * 0.9;
    const gathered = new Uint8Array(sample * windows);
    const step = Math.floor((data.length - sample) / (windows - 1));
    for (let w = 0; w < windows; w++) gathered.set(data.subarray(w * step, w * step + sample), w * sample);
    return z.deflateRawSync(gathered, { level: 1 }).length < gathered.length * 0.9;
}

/** CRC + deflate (or not) of one chunk. Self-contained (zlib and the sampler are parameters): it also runs as text. */
function deflateChunk(
    z: typeof zlib,
    isCompressible: typeof compressible,
    id: number,
    buf: ArrayBuffer,
    len: number,
    level: number,
): ChunkResult {
    const data = new Uint8Array(buf, 0, len);
    const crc = z.crc32(data);
    let out: Uint8Array | null = null;
    if (level > 0 && isCompressible(data, z)) {
        const d = z.deflateRawSync(data, { level, finishFlush: z.constants.Z_SYNC_FLUSH });
        if (d.length < len) out = d;
    }
    return { id, crc, len, buf, out };
}

const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff]);
// A final, empty fixed-Huffman block: ends the deflate stream after the last sync-flushed chunk.
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);
const STORED_MAX = 65535;

/** Streams bytes into a .gz file descriptor. Call `write`/`writeFromFile`, then `end()` exactly once. */
export class ParallelGzipWriter {
    private readonly level: number;
    private readonly chunkSize: number;
    private readonly threads: number;
    private readonly maxInFlight: number;
    private readonly signal?: AbortSignal;
    private workers: Worker[] = [];
    private idle: Worker[] = [];
    private queue: { id: number; buf: ArrayBuffer; len: number }[] = [];
    private done = new Map<number, ChunkResult>();
    private pool: ArrayBuffer[] = [];
    private cur: Buffer | undefined;
    private used = 0;
    private nextId = 0;
    private nextWrite = 0;
    private inFlight = 0;
    private waiters: (() => void)[] = [];
    private failure: Error | undefined;
    private crc = 0;
    /** Uncompressed bytes so far. */
    inputBytes = 0;
    /** Compressed bytes written to the file so far. */
    outputBytes = 0;

    constructor(
        private readonly fd: number,
        options: GzipOptions = {},
    ) {
        this.level = options.level ?? 1;
        this.threads = options.threads ?? 2;
        this.chunkSize = options.chunkSize ?? 1 << 20;
        this.maxInFlight = Math.max(2, this.threads * 3);
        this.signal = options.signal;
        this.writeOut([GZIP_HEADER]);
    }

    private writeOut(parts: Uint8Array[]): void {
        for (const p of parts) this.outputBytes += p.length;
        let i = 0;
        // writev takes at most IOV_MAX (1024) buffers at once.
        while (i < parts.length) {
            const batch = parts.slice(i, i + 512);
            const left = batch.reduce((n, p) => n + p.length, 0);
            let written = fs.writevSync(this.fd, batch);
            // Short writes: finish the rest piece by piece.
            if (written < left) {
                for (const p of batch) {
                    if (written >= p.length) {
                        written -= p.length;
                        continue;
                    }
                    let off = written;
                    written = 0;
                    while (off < p.length) off += fs.writeSync(this.fd, p, off, p.length - off);
                }
            }
            i += 512;
        }
    }

    private startWorkers(): void {
        for (let i = 0; i < this.threads; i++) {
            // Small heaps: the workers only hold a chunk or two; a small young generation frees them sooner.
            const w = new Worker(WORKER_SOURCE, {
                eval: true,
                resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 32 },
            });
            w.on('message', (r: ChunkResult) => {
                this.idle.push(w);
                this.onResult(r);
                this.pump();
            });
            w.on('error', (err) => this.fail(err instanceof Error ? err : new Error(String(err))));
            this.workers.push(w);
            this.idle.push(w);
        }
    }

    private fail(err: Error): void {
        this.failure ??= err;
        for (const wake of this.waiters.splice(0)) wake();
    }

    private pump(): void {
        while (this.idle.length > 0 && this.queue.length > 0) {
            const job = this.queue.shift() as { id: number; buf: ArrayBuffer; len: number };
            (this.idle.pop() as Worker).postMessage({ ...job, level: this.level }, [job.buf]);
        }
    }

    private onResult(r: ChunkResult): void {
        this.done.set(r.id, r);
        for (let next = this.done.get(this.nextWrite); next; next = this.done.get(this.nextWrite)) {
            this.done.delete(this.nextWrite);
            this.nextWrite++;
            try {
                this.writeChunk(next);
            } catch (err) {
                this.fail(err as Error);
            }
            this.pool.push(next.buf);
            this.inFlight--;
        }
        for (const wake of this.waiters.splice(0)) wake();
    }

    private writeChunk(r: ChunkResult): void {
        this.crc = crc32Combine(this.crc, r.crc, r.len);
        if (r.out) {
            this.writeOut([r.out]);
            return;
        }
        const data = new Uint8Array(r.buf, 0, r.len);
        const parts: Uint8Array[] = [];
        for (let off = 0; off < r.len; off += STORED_MAX) {
            const n = Math.min(STORED_MAX, r.len - off);
            // Stored block: BFINAL=0 BTYPE=00 (byte-aligned), LEN, NLEN.
            parts.push(Buffer.from([0, n & 0xff, n >> 8, ~n & 0xff, (~n >> 8) & 0xff]), data.subarray(off, off + n));
        }
        this.writeOut(parts);
    }

    private check(): void {
        if (this.failure) throw this.failure;
        if (this.signal?.aborted) throw new PackagingAbortedError();
    }

    /** Makes sure a chunk buffer with free space exists, waiting while too many chunks are in flight. */
    private async space(): Promise<Buffer> {
        this.check();
        if (this.cur) return this.cur;
        while (this.inFlight >= this.maxInFlight) {
            await new Promise<void>((resolve) => this.waiters.push(resolve));
            this.check();
        }
        const ab = this.pool.pop() ?? new ArrayBuffer(this.chunkSize);
        this.cur = Buffer.from(ab);
        this.used = 0;
        return this.cur;
    }

    private dispatch(): void {
        const buf = this.cur;
        if (!buf || this.used === 0) return;
        const job = { id: this.nextId++, buf: buf.buffer as ArrayBuffer, len: this.used };
        this.cur = undefined;
        this.inputBytes += job.len;
        this.inFlight++;
        if (this.threads === 0) {
            this.onResult(deflateChunk(zlib, compressible, job.id, job.buf, job.len, this.level));
            return;
        }
        if (this.workers.length === 0) this.startWorkers();
        this.queue.push(job);
        this.pump();
    }

    private advance(n: number): void {
        this.used += n;
        if (this.used === this.chunkSize) this.dispatch();
    }

    /** Appends bytes (copied). */
    async write(src: Uint8Array): Promise<void> {
        for (let off = 0; off < src.length;) {
            const buf = await this.space();
            const n = Math.min(src.length - off, this.chunkSize - this.used);
            buf.set(src.subarray(off, off + n), this.used);
            off += n;
            this.advance(n);
        }
    }

    /**
     * Appends exactly `size` bytes read from `fd`, read straight into the chunk buffers (no extra copy); `onData`
     * sees each piece before it leaves for a worker (for hashing). Throws if the file ends early.
     */
    async writeFromFile(fd: number, size: number, onData: (piece: Uint8Array) => void): Promise<void> {
        for (let left = size; left > 0;) {
            const buf = await this.space();
            const want = Math.min(left, this.chunkSize - this.used);
            const n = fs.readSync(fd, buf, this.used, want, null);
            if (n === 0) throw new FileChangedError();
            onData(buf.subarray(this.used, this.used + n));
            left -= n;
            this.advance(n);
        }
    }

    /** Flushes, waits for the workers, writes the end of the stream and the gzip trailer. */
    async end(): Promise<{ crc: number; inputBytes: number; outputBytes: number }> {
        try {
            this.check();
            this.dispatch();
            while (this.inFlight > 0) {
                await new Promise<void>((resolve) => this.waiters.push(resolve));
                this.check();
            }
            const trailer = Buffer.alloc(8);
            trailer.writeUInt32LE(this.crc >>> 0, 0);
            trailer.writeUInt32LE(this.inputBytes % 2 ** 32, 4);
            this.writeOut([FINAL_BLOCK, trailer]);
            return { crc: this.crc, inputBytes: this.inputBytes, outputBytes: this.outputBytes };
        } finally {
            await this.close();
        }
    }

    /** Stops the workers (also after a failure). Safe to call twice. */
    async close(): Promise<void> {
        const ws = this.workers.splice(0);
        this.idle = [];
        await Promise.all(ws.map((w) => w.terminate()));
    }
}

/** A copied file got shorter while it was being packaged. */
export class FileChangedError extends Error {
    constructor() {
        super('a file changed while it was being packaged; try again');
        this.name = 'FileChangedError';
    }
}
