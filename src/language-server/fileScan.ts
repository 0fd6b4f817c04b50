// Walks a workspace folder for Python files that mention `vastai`, the way the index needs it: skip what is never
// user code (VCS, node_modules, virtualenvs, site-packages, caches, user excludes), read only small UTF-8 text files,
// and never throw. The walk is synchronous but time-sliced, so the server keeps answering requests meanwhile.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sourceBytesProblem, type SourceBytesProblem } from '../shared/rules/source';
import type { GlobSet } from './globs';

/** Files larger than this are skipped (generated code, data dumped into a .py file). */
export const MAX_FILE_BYTES = 1024 * 1024;

const SKIP_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', '.venv', 'venv', 'site-packages', '__pycache__']);
const MENTION = Buffer.from('vastai');
// `from app import app` + `@app.remote` in a second file never names vastai, yet remote-in-multiple-files needs it.
const REMOTE = Buffer.from('.remote');
const utf8 = new TextDecoder('utf-8');

/** A Python file that mentions `vastai`, read and decoded. */
export interface ScannedFile extends ScannedSource {
    path: string;
}

/** A file's text, and why Python would refuse its bytes (invalid UTF-8, a NUL byte) if it would. */
export interface ScannedSource {
    text: string;
    problem?: SourceBytesProblem;
}

export interface ScanOptions {
    exclude: GlobSet;
    log: (message: string) => void;
    /** Called with each batch of files as it is read. */
    onFiles: (files: ScannedFile[]) => void;
    /** Stops the walk early (a newer scan started, the server shuts down). */
    isCancelled?: () => boolean;
    /** Milliseconds of work before yielding to the event loop. */
    sliceMs?: number;
    /** The workspace folder `exclude` globs are relative to, when the walk starts below it (default: the root). */
    base?: string;
}

/** Statistics of one walk, for logs and the benchmark. */
export interface ScanStats {
    pythonFiles: number;
    matched: number;
    skipped: number;
}

/** Walks `root` and reports every readable Python file mentioning `vastai` through `onFiles`. */
export async function scanFolder(root: string, opts: ScanOptions): Promise<ScanStats> {
    const stats: ScanStats = { pythonFiles: 0, matched: 0, skipped: 0 };
    const dirs: string[] = [root];
    const slice = opts.sliceMs ?? 15;
    let batch: ScannedFile[] = [];
    let sliceStart = performance.now();
    while (dirs.length > 0) {
        if (opts.isCancelled?.()) break;
        const dir = dirs.pop() as string;
        for (const child of listDir(dir, root, opts, stats)) {
            if (child.isDir) {
                dirs.push(child.path);
                continue;
            }
            stats.pythonFiles++;
            const source = readCandidate(child.path, opts.log, stats);
            if (source !== undefined) {
                stats.matched++;
                batch.push({ path: child.path, ...source });
            }
        }
        if (performance.now() - sliceStart > slice) {
            if (batch.length > 0) opts.onFiles(batch);
            batch = [];
            await new Promise<void>((resolve) => setImmediate(resolve));
            sliceStart = performance.now();
        }
    }
    if (batch.length > 0) opts.onFiles(batch);
    return stats;
}

function listDir(dir: string, root: string, opts: ScanOptions, stats: ScanStats): { path: string; isDir: boolean }[] {
    let entries: fs.Dirent[];
    try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
        opts.log(`Skipping ${dir}: ${(err as Error).message}`);
        return [];
    }
    // A virtualenv may have any name; `pyvenv.cfg` at its top is what marks it.
    if (dir !== root && entries.some((e) => e.name === 'pyvenv.cfg' && e.isFile())) return [];
    const out: { path: string; isDir: boolean }[] = [];
    const excluding = opts.exclude.active;
    const base = opts.base ?? root;
    for (const e of entries) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) {
            if (SKIP_DIRS.has(e.name) || (excluding && opts.exclude.matchesDir(relative(base, full)))) continue;
            out.push({ path: full, isDir: true });
        } else if ((e.isFile() || e.isSymbolicLink()) && e.name.endsWith('.py')) {
            if (excluding && opts.exclude.matchesFile(relative(base, full))) {
                stats.skipped++;
                continue;
            }
            out.push({ path: full, isDir: false });
        }
    }
    return out;
}

/**
 * True when a walk of workspace folder `base` would never reach `p` (a file or folder below it): a skipped folder
 * (VCS, node_modules, virtualenv, cache) or an excluded path on the way. Watched-file events use it.
 */
export function isSkippedPath(base: string, p: string, exclude: GlobSet): boolean {
    const rel = relative(base, p);
    const parts = rel.split('/');
    for (let i = 0; i < parts.length; i++) {
        const part = parts[i] as string;
        if (part === '..' || SKIP_DIRS.has(part)) return true;
        if (!exclude.active) continue;
        const sub = parts.slice(0, i + 1).join('/');
        if (i < parts.length - 1 ? exclude.matchesDir(sub) : exclude.matchesFile(sub) || exclude.matchesDir(sub)) {
            return true;
        }
    }
    return false;
}

function relative(root: string, full: string): string {
    return path.relative(root, full).split(path.sep).join('/');
}

/**
 * Reads a file if it is a small regular file mentioning `vastai` (or using a `.remote` decorator); logs why when it
 * is skipped. Bytes Python would refuse (invalid UTF-8, NUL) are kept, with the reason, so the file is diagnosed.
 */
export function readCandidate(file: string, log: (m: string) => void, stats?: ScanStats): ScannedSource | undefined {
    let buf: Buffer;
    try {
        // The type first: opening a FIFO (or a symlink to one) for reading waits for a writer, forever.
        if (!fs.statSync(file).isFile()) {
            log(`Skipping ${file}: not a regular file`);
            if (stats) stats.skipped++;
            return undefined;
        }
        // O_NONBLOCK in case the path became a FIFO since the stat; on a regular file it changes nothing.
        const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
        try {
            const st = fs.fstatSync(fd);
            if (!st.isFile()) return undefined;
            if (st.size > MAX_FILE_BYTES) {
                log(`Skipping ${file}: ${st.size} bytes (over 1 MB)`);
                if (stats) stats.skipped++;
                return undefined;
            }
            buf = Buffer.allocUnsafe(st.size);
            let off = 0;
            while (off < st.size) {
                const n = fs.readSync(fd, buf, off, st.size - off, off);
                if (n === 0) break;
                off += n;
            }
            buf = buf.subarray(0, off);
        } finally {
            fs.closeSync(fd);
        }
    } catch (err) {
        log(`Skipping ${file}: ${(err as Error).message}`);
        if (stats) stats.skipped++;
        return undefined;
    }
    if (buf.indexOf(MENTION) < 0 && buf.indexOf(REMOTE) < 0) return undefined;
    const problem = sourceBytesProblem(buf);
    const text = utf8.decode(buf);
    return problem ? { text, problem } : { text };
}
