/**
 * What goes into the package, file by file, before any byte is read: the copies resolved and walked the SDK's way
 * (`os.walk`, names sorted, symlinked directories not entered), with the safety checks the editor runs before any
 * request: missing sources, symlinks leaving the workspace, unreadable or special files, and files that look like
 * secrets (listed for a confirmation, not refused).
 *
 * Copy sources resolve relative to the deployment file's directory. (The SDK resolves them against the process's
 * working directory, i.e. wherever `python app.py` runs; running from the file's folder is the common case and the
 * only one the editor can know.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Range } from '../../shared/model';
import type { DeploymentSpec } from '../../shared/packaging';

/** One archive entry after config.json and deployment.py, in archive order (= hash order for files). */
export interface PlanEntry {
    kind: 'file' | 'dir' | 'symlink';
    /** Archive name: `dst` for a file copy, `join(dst, rel, name)` inside a directory copy (Python's os.path.join). */
    arcname: string;
    /** Absolute source path. */
    path: string;
    /** Content size in bytes (a symlink's target size: the SDK hashes what it points to). */
    size: number;
    mode: number;
    mtime: number;
    linkname?: string;
}

export type PlanProblemCode = 'missing-source' | 'symlink-outside' | 'unreadable' | 'special-file';

export interface PlanProblem {
    code: PlanProblemCode;
    message: string;
    path: string;
    /** The `image.copy(...)` call it came from. */
    range?: Range;
}

export interface PackagePlan {
    spec: DeploymentSpec;
    /** The deployment .py file (absolute). */
    deploymentPath: string;
    deploymentStat: { size: number; mode: number; mtime: number };
    entries: PlanEntry[];
    /** Bytes of content to read for the copies. */
    copyBytes: number;
    /** Files that look like secrets (absolute paths); the caller asks before uploading them. */
    secrets: string[];
    /** Things the SDK silently does that the user may not expect (a symlinked directory left out). */
    notes: string[];
}

export interface PlanOptions {
    /** Directory copy sources resolve against; default: the deployment file's directory. */
    baseDir?: string;
    /** Symlinks must resolve inside this directory (or inside the copied directory itself); default: baseDir. */
    workspaceRoot?: string;
}

const SECRET_PATTERNS: RegExp[] = [
    /^\.env(\..*)?$/,
    /\.pem$/,
    /\.key$/,
    /\.p12$/,
    /\.pfx$/,
    /^id_(rsa|dsa|ecdsa|ed25519)/,
    /^credentials(\.json)?$/,
    /\.credentials$/,
    /^\.netrc$/,
    /^\.pypirc$/,
    /^\.npmrc$/,
    /^\.?vast_api_key$/,
];
const NOT_SECRET = /^\.env\.(example|sample|template|dist)$/;

/** True when a file name looks like it holds credentials. */
export function looksSecret(fileName: string): boolean {
    return !NOT_SECRET.test(fileName) && SECRET_PATTERNS.some((re) => re.test(fileName));
}

/** Python's `os.path.join(a, b)` for POSIX paths. */
export function pyJoin(a: string, b: string): string {
    if (b.startsWith('/')) return b;
    if (a === '' || a.endsWith('/')) return a + b;
    return `${a}/${b}`;
}

/** Python's str sort order (code points) = UTF-8 byte order. */
function byCodePoint(a: string, b: string): number {
    return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function inside(root: string, p: string): boolean {
    const rel = path.relative(root, p);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function readable(p: string, dir: boolean): boolean {
    try {
        fs.accessSync(p, dir ? fs.constants.R_OK | fs.constants.X_OK : fs.constants.R_OK);
        return true;
    } catch {
        return false;
    }
}

class Walker {
    readonly entries: PlanEntry[] = [];
    readonly problems: PlanProblem[] = [];
    readonly secrets: string[] = [];
    readonly notes: string[] = [];
    copyBytes = 0;

    constructor(private readonly workspace: string) {}

    private problem(code: PlanProblemCode, message: string, p: string, range?: Range): void {
        this.problems.push({ code, message, path: p, range });
    }

    /** A symlink is fine when its target stays in the workspace or in the copied tree. */
    private symlinkOk(p: string, roots: string[], range?: Range): boolean {
        let real: string;
        try {
            real = fs.realpathSync(p);
        } catch {
            this.problem('unreadable', `Broken symlink: ${p}`, p, range);
            return false;
        }
        if (roots.some((r) => inside(r, real))) return true;
        this.problem('symlink-outside', `Symlink leaves the workspace: ${p} -> ${real}`, p, range);
        return false;
    }

    private addFile(p: string, arcname: string, lst: fs.Stats, roots: string[], range?: Range): void {
        if (lst.isSymbolicLink()) {
            if (!this.symlinkOk(p, roots, range)) return;
            const st = fs.statSync(p);
            if (!st.isFile()) return this.problem('special-file', `Not a regular file: ${p}`, p, range);
            if (!readable(p, false)) return this.problem('unreadable', `Cannot read ${p}`, p, range);
            this.entries.push({
                kind: 'symlink',
                arcname,
                path: p,
                size: st.size,
                mode: lst.mode & 0o7777,
                mtime: Math.floor(lst.mtimeMs / 1000),
                linkname: fs.readlinkSync(p),
            });
        } else if (lst.isFile()) {
            if (!readable(p, false)) return this.problem('unreadable', `Cannot read ${p}`, p, range);
            this.entries.push({
                kind: 'file',
                arcname,
                path: p,
                size: lst.size,
                mode: lst.mode & 0o7777,
                mtime: Math.floor(lst.mtimeMs / 1000),
            });
        } else {
            return this.problem('special-file', `Not a regular file: ${p}`, p, range);
        }
        this.copyBytes += (this.entries[this.entries.length - 1] as PlanEntry).size;
        if (looksSecret(path.basename(p))) this.secrets.push(p);
    }

    /** `os.walk(src)` top-down with files and dirs sorted: the directory, its files, then each subdirectory. */
    private walk(dir: string, arcRoot: string, roots: string[], range?: Range): void {
        if (!readable(dir, true)) return this.problem('unreadable', `Cannot read directory ${dir}`, dir, range);
        const st = fs.lstatSync(dir);
        this.entries.push({
            kind: 'dir',
            arcname: arcRoot,
            path: dir,
            size: 0,
            mode: st.mode & 0o7777,
            mtime: Math.floor(st.mtimeMs / 1000),
        });
        const files: { name: string; st: fs.Stats }[] = [];
        const dirs: string[] = [];
        for (const name of fs.readdirSync(dir)) {
            const p = path.join(dir, name);
            const lst = fs.lstatSync(p);
            let isDir = lst.isDirectory();
            if (lst.isSymbolicLink()) {
                try {
                    isDir = fs.statSync(p).isDirectory();
                } catch {
                    isDir = false; // broken: os.walk lists it as a file; addFile reports it
                }
                if (isDir) {
                    // os.walk lists it among the directories but does not enter it: neither hashed nor packaged.
                    this.notes.push(`Symlinked directory not packaged (as the SDK does): ${p}`);
                    continue;
                }
            }
            if (isDir) dirs.push(name);
            else files.push({ name, st: lst });
        }
        files.sort((a, b) => byCodePoint(a.name, b.name));
        dirs.sort(byCodePoint);
        for (const f of files) this.addFile(path.join(dir, f.name), pyJoin(arcRoot, f.name), f.st, roots, range);
        for (const d of dirs) this.walk(path.join(dir, d), pyJoin(arcRoot, d), roots, range);
    }

    addCopy(src: string, abs: string, dst: string, range: Range): void {
        let lst: fs.Stats;
        let st: fs.Stats;
        try {
            lst = fs.lstatSync(abs);
            st = fs.statSync(abs);
        } catch {
            return this.problem('missing-source', `Source path does not exist: ${src}`, abs, range);
        }
        if (st.isDirectory()) {
            if (lst.isSymbolicLink() && !this.symlinkOk(abs, [this.workspace], range)) return;
            // os.path.normpath(src); the walk root's own arcname is dst.
            const real = fs.realpathSync(abs);
            this.walk(path.normalize(abs), dst, [this.workspace, real], range);
        } else if (st.isFile()) {
            this.addFile(abs, dst, lst, [this.workspace], range);
        } else {
            this.problem('missing-source', `Source path does not exist: ${src}`, abs, range);
        }
    }
}

/** Resolves and walks the spec's copies; either the plan or every problem found. */
export function planPackage(
    spec: DeploymentSpec,
    options: PlanOptions = {},
): { ok: true; plan: PackagePlan } | { ok: false; problems: PlanProblem[] } {
    const deploymentPath = path.resolve(spec.file);
    const baseDir = path.resolve(options.baseDir ?? path.dirname(deploymentPath));
    let workspace = path.resolve(options.workspaceRoot ?? baseDir);
    try {
        workspace = fs.realpathSync(workspace);
    } catch {
        // A workspace that does not exist leaves only the copied trees as allowed symlink targets.
    }
    let dst: fs.Stats;
    try {
        dst = fs.statSync(deploymentPath);
        fs.accessSync(deploymentPath, fs.constants.R_OK);
    } catch {
        return {
            ok: false,
            problems: [{ code: 'unreadable', message: `Cannot read ${deploymentPath}`, path: deploymentPath }],
        };
    }
    const w = new Walker(workspace);
    for (const c of spec.copies) w.addCopy(c.src, path.resolve(baseDir, c.src), c.dst, c.range);
    if (w.problems.length > 0) return { ok: false, problems: w.problems };
    return {
        ok: true,
        plan: {
            spec,
            deploymentPath,
            deploymentStat: { size: dst.size, mode: dst.mode & 0o7777, mtime: Math.floor(dst.mtimeMs / 1000) },
            entries: w.entries,
            copyBytes: w.copyBytes,
            secrets: w.secrets,
            notes: w.notes,
        },
    };
}
