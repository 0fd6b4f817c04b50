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

/** The archive name of the deployment module, as the SDK names it. */
export const DEPLOYMENT_ARCNAME = './deployment.py';

/** One archive entry after config.json and deployment.py. */
export interface PlanEntry {
    /**
     * `hardlink`: a file whose inode was archived before under another name (tarfile's `gettarinfo` writes a link
     * entry to the first name). `symlink` with `hashed: false`: a copy source that is a symlink to a folder (the SDK
     * archives the link itself, then the folder's files under it).
     */
    kind: 'file' | 'dir' | 'symlink' | 'hardlink';
    /** Archive name: `dst` for a file copy, `join(dst, rel, name)` inside a directory copy (Python's os.path.join). */
    arcname: string;
    /** Absolute source path. */
    path: string;
    /** Content size in bytes (a symlink's or hard link's target size: the SDK hashes what it points to). */
    size: number;
    mode: number;
    mtime: number;
    /** Symlink target as stored; for a hard link, the first archive name of the inode (leading `/` stripped). */
    linkname?: string;
    /** Part of `file_hash` (name + content): every entry but folders and a symlinked folder's own link. */
    hashed: boolean;
}

export type PlanProblemCode = 'missing-source' | 'symlink-outside' | 'unreadable' | 'special-file' | 'bad-name';

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
    /** Archive order: the SDK's (`os.walk` lists each folder in the file system's own order). */
    entries: PlanEntry[];
    /** The hashed entries in hash order (the SDK's hash walks each folder sorted by name). */
    hashOrder: PlanEntry[];
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

/** A folder as os.walk sees it: its entry, its files and its subfolders, in the file system's listing order. */
interface Folder {
    entry: PlanEntry;
    files: { name: string; entry: PlanEntry }[];
    folders: { name: string; folder: Folder }[];
}

/** A name with the bytes that are not UTF-8 shown as `\xff`, for messages. */
function showName(raw: Buffer): string {
    let out = '';
    for (let i = 0; i < raw.length;) {
        let n = 1;
        for (; n <= 4 && i + n <= raw.length; n++) {
            const piece = raw.subarray(i, i + n);
            const text = piece.toString('utf8');
            if (!text.includes('\ufffd') && Buffer.from(text, 'utf8').equals(piece)) break;
        }
        if (n <= 4 && i + n <= raw.length) out += raw.subarray(i, i + n).toString('utf8');
        else out += `\\x${(raw[i] as number).toString(16).padStart(2, '0')}`;
        i += n <= 4 && i + n <= raw.length ? n : 1;
    }
    return out;
}

class Walker {
    readonly entries: PlanEntry[] = [];
    readonly hashOrder: PlanEntry[] = [];
    readonly problems: PlanProblem[] = [];
    readonly secrets: string[] = [];
    readonly notes: string[] = [];
    copyBytes = 0;
    /** tarfile's `inodes`: (dev, ino) of every regular file archived -> its archive name without leading `/`. */
    private readonly inodes = new Map<string, string>();
    private readonly links = new WeakMap<PlanEntry, { key: string; nlink: number }>();

    constructor(private readonly workspace: string) {}

    private problem(code: PlanProblemCode, message: string, p: string, range?: Range): void {
        this.problems.push({ code, message, path: p, range });
    }

    /** The deployment module is archived first; a copy hard-linked to it becomes a link to ./deployment.py. */
    registerDeployment(p: string): void {
        const st = fs.statSync(p, { bigint: true });
        this.inodes.set(`${st.dev}:${st.ino}`, DEPLOYMENT_ARCNAME);
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

    private fileEntry(
        p: string,
        arcname: string,
        lst: fs.Stats,
        roots: string[],
        range?: Range,
    ): PlanEntry | undefined {
        if (looksSecret(path.basename(p))) this.secrets.push(p);
        const base = { arcname, path: p, mode: lst.mode & 0o7777, mtime: Math.floor(lst.mtimeMs / 1000), hashed: true };
        if (lst.isSymbolicLink()) {
            if (!this.symlinkOk(p, roots, range)) return undefined;
            const st = fs.statSync(p);
            if (!st.isFile()) return void this.problem('special-file', `Not a regular file: ${p}`, p, range);
            if (!readable(p, false)) return void this.problem('unreadable', `Cannot read ${p}`, p, range);
            return { ...base, kind: 'symlink', size: st.size, linkname: fs.readlinkSync(p) };
        }
        if (!lst.isFile()) return void this.problem('special-file', `Not a regular file: ${p}`, p, range);
        if (!readable(p, false)) return void this.problem('unreadable', `Cannot read ${p}`, p, range);
        const e: PlanEntry = { ...base, kind: 'file', size: lst.size };
        if (lst.nlink > 1) {
            const big = fs.lstatSync(p, { bigint: true });
            this.links.set(e, { key: `${big.dev}:${big.ino}`, nlink: lst.nlink });
        } else this.links.set(e, { key: `${lst.dev}:${lst.ino}`, nlink: 1 });
        return e;
    }

    /** Appends an entry in archive order; a regular file whose inode was archived under another name becomes a link. */
    private archive(e: PlanEntry): void {
        const link = this.links.get(e);
        if (link) {
            const tarName = e.arcname.replace(/^\/+/, '');
            const first = this.inodes.get(link.key);
            if (link.nlink > 1 && first !== undefined && first !== tarName) {
                e.kind = 'hardlink';
                e.linkname = first;
            } else this.inodes.set(link.key, tarName);
        }
        this.entries.push(e);
        if (e.kind !== 'dir') this.copyBytes += e.size;
    }

    /** Lists a folder the way os.scandir does (the file system's order), raw names checked for UTF-8. */
    private list(dir: string, range?: Range): string[] {
        const names: string[] = [];
        const d = fs.opendirSync(dir, { encoding: 'buffer' as BufferEncoding });
        try {
            for (let ent = d.readSync(); ent; ent = d.readSync()) {
                const raw = ent.name as unknown as Buffer;
                const name = raw.toString('utf8');
                if (!Buffer.from(name, 'utf8').equals(raw)) {
                    const shown = `${dir}/${showName(raw)}`;
                    this.problem(
                        'bad-name',
                        `File name is not valid UTF-8: ${shown} (the SDK fails on it with UnicodeEncodeError: ` +
                            `surrogates not allowed). Rename it, or leave it out of the copied folder.`,
                        shown,
                        range,
                    );
                    continue;
                }
                names.push(name);
            }
        } finally {
            d.closeSync();
        }
        return names;
    }

    /** `os.walk(src)` top-down: the folder, its files, then each subfolder (symlinked folders listed, not entered). */
    private walk(dir: string, arcRoot: string, roots: string[], self: PlanEntry, range?: Range): Folder {
        const folder: Folder = { entry: self, files: [], folders: [] };
        if (!readable(dir, true)) {
            this.problem('unreadable', `Cannot read directory ${dir}`, dir, range);
            return folder;
        }
        const subdirs: string[] = [];
        for (const name of this.list(dir, range)) {
            const p = path.join(dir, name);
            const lst = fs.lstatSync(p);
            let isDir = lst.isDirectory();
            if (lst.isSymbolicLink()) {
                try {
                    isDir = fs.statSync(p).isDirectory();
                } catch {
                    isDir = false; // broken: os.walk lists it as a file; fileEntry reports it
                }
                if (isDir) {
                    // os.walk lists it among the directories but does not enter it: neither hashed nor packaged.
                    this.notes.push(`Symlinked directory not packaged (as the SDK does): ${p}`);
                    continue;
                }
            }
            if (isDir) subdirs.push(name);
            else {
                const e = this.fileEntry(p, pyJoin(arcRoot, name), lst, roots, range);
                if (e) folder.files.push({ name, entry: e });
            }
        }
        for (const name of subdirs) {
            const p = path.join(dir, name);
            const st = fs.lstatSync(p);
            const arc = pyJoin(arcRoot, name);
            const entry: PlanEntry = { ...dirEntry(p, arc, st) };
            folder.folders.push({ name, folder: this.walk(p, arc, roots, entry, range) });
        }
        return folder;
    }

    /** Archive order = listing order; hash order = names sorted (hash_update_directory sorts). */
    private emit(f: Folder): void {
        const visit = (x: Folder) => {
            this.archive(x.entry);
            x.files.forEach((e) => this.archive(e.entry));
            x.folders.forEach((s) => visit(s.folder));
        };
        visit(f);
        const hash = (x: Folder) => {
            for (const e of [...x.files].sort((a, b) => byCodePoint(a.name, b.name))) this.hashOrder.push(e.entry);
            for (const s of [...x.folders].sort((a, b) => byCodePoint(a.name, b.name))) hash(s.folder);
        };
        hash(f);
    }

    addCopy(src: string, abs: string, dst: string, range: Range): void {
        let lst: fs.Stats;
        let st: fs.Stats;
        try {
            lst = fs.lstatSync(abs);
            st = fs.statSync(abs);
        } catch (e) {
            return this.problem(
                'missing-source',
                `Source path does not exist: ${src}${whyMissing(abs, e)}`,
                abs,
                range,
            );
        }
        if (st.isDirectory()) {
            let self = dirEntry(abs, dst, lst);
            if (lst.isSymbolicLink()) {
                if (!this.symlinkOk(abs, [this.workspace], range)) return;
                // gettarinfo(root) uses lstat: the link itself is archived (mode 0777), then the folder's files.
                self = { ...self, kind: 'symlink', linkname: fs.readlinkSync(abs), hashed: false };
                this.notes.push(
                    `${src} is a symlink to a folder: as the SDK does, the link itself (-> ${self.linkname}) is ` +
                        `packaged at ${dst}, then the folder's files under it. A worker can only unpack them where ` +
                        `the link's target exists; copy the real folder to be safe.`,
                );
            }
            // os.path.normpath(src); the walk root's own arcname is dst.
            const real = fs.realpathSync(abs);
            this.emit(this.walk(path.normalize(abs), dst, [this.workspace, real], self, range));
        } else if (st.isFile()) {
            const e = this.fileEntry(abs, dst, lst, [this.workspace], range);
            if (e) {
                this.archive(e);
                this.hashOrder.push(e);
            }
        } else {
            // The SDK's words (os.path.isdir and isfile are both false), then what the path really is.
            this.problem(
                'missing-source',
                `Source path does not exist: ${src} (${kindOf(st)}: only files and folders can be copied)`,
                abs,
                range,
            );
        }
    }
}

function kindOf(st: fs.Stats): string {
    if (st.isCharacterDevice()) return 'it is a character device';
    if (st.isBlockDevice()) return 'it is a block device';
    if (st.isFIFO()) return 'it is a named pipe';
    if (st.isSocket()) return 'it is a socket';
    return 'it is not a regular file';
}

/** Why a copy source cannot be read, after the SDK's "Source path does not exist" (which says it of all of them). */
function whyMissing(abs: string, e: unknown): string {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return ' (a symbolic link loop)';
    if (code === 'EACCES') return ' (permission denied)';
    if (code === 'ENOTDIR') return ' (a part of the path is a file, not a folder)';
    try {
        if (fs.lstatSync(abs).isSymbolicLink()) {
            return ` (a symbolic link to ${fs.readlinkSync(abs)}, which does not exist)`;
        }
    } catch {
        // Nothing there at all: the SDK's words say it.
    }
    return '';
}

function dirEntry(p: string, arcname: string, st: fs.Stats): PlanEntry {
    return {
        kind: 'dir',
        arcname,
        path: p,
        size: 0,
        mode: st.mode & 0o7777,
        mtime: Math.floor(st.mtimeMs / 1000),
        hashed: false,
    };
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
    w.registerDeployment(deploymentPath);
    for (const c of spec.copies) w.addCopy(c.src, path.resolve(baseDir, c.src), c.dst, c.range);
    if (w.problems.length > 0) return { ok: false, problems: w.problems };
    return {
        ok: true,
        plan: {
            spec,
            deploymentPath,
            deploymentStat: { size: dst.size, mode: dst.mode & 0o7777, mtime: Math.floor(dst.mtimeMs / 1000) },
            entries: w.entries,
            hashOrder: w.hashOrder,
            copyBytes: w.copyBytes,
            secrets: w.secrets,
            notes: w.notes,
        },
    };
}
