/**
 * Random deployment files for the differential test against the official SDK: seeded and deterministic (the same
 * seed gives the same file and the same tree of copied files, byte for byte).
 *
 * A case is a small program tree (statements, call arguments, chained calls) so the shrinker can drop pieces while
 * a mismatch persists, plus the files its `image.copy(...)` calls read. The generator never predicts what Python
 * will do: the SDK's capture is the truth, so any source text Python accepts is fair game.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Shapes a case may use; the CI sample can leave out shapes the reader does not follow yet. */
export const FEATURES = [
    'control-flow', // if/else on module constants, functions called or not, loops, try
    'rebinding', // image = image.pip_install(...), a second app.image(...), app.name = ...
    'numbers', // 10**23, -0.0, 8000.0, hex/octal/underscored literals, arithmetic
    'env-read', // os.environ[...], os.environ.get(...), os.getenv(...)
    'fstring', // f-strings over module constants
    'dict-splat', // **{...} of a literal dict, *[...] of a literal list
    'positional-name', // Deployment("x"): the SDK's first parameter is api_key
    'worker-port', // app.image(..., worker_port=(8080, "tcp"))
    'column-ctor', // Column("x") from vastai.data / vastai.data.query
    'hardlink', // hard links in a copied tree
    'dir-symlink', // a copy source that is a symlink to a folder, symlinked folders inside trees
    'non-utf8', // a file name that is not UTF-8 inside a copied folder
    'odd-escapes', // invalid escapes ("\q"), lone surrogates, \N{...}
    'no-storage', // app.image("img") without storage: the SDK raises TypeError
    'repeated-keyword', // image.env(A="x", A="y"): a SyntaxError
] as const;
export type Feature = (typeof FEATURES)[number];

/** A statement of the generated module. `keep` items are never dropped by the shrinker (imports). */
export type Stmt =
    | { t: 'line'; text: string; keep?: boolean }
    | { t: 'call'; head: string; args: string[]; tail?: string }
    | { t: 'chain'; head: string; args?: string[]; calls: { name: string; args: string[] }[] }
    | { t: 'block'; head: string; body: Stmt[]; orelse?: Stmt[] };

/** One entry of the copied tree, relative to the case folder. `name` may hold raw bytes (non-UTF-8 names). */
export type TreeNode =
    | { t: 'file'; name: Buffer; mode: number; size: number; seed: number }
    | { t: 'dir'; name: Buffer; mode: number }
    | { t: 'symlink'; name: Buffer; target: string }
    | { t: 'hardlink'; name: Buffer; target: Buffer };

export interface Case {
    seed: number;
    features: Feature[];
    stmts: Stmt[];
    tree: TreeNode[];
}

/** Environment both sides run with, so `os.environ` reads resolve the same way. */
export const CASE_ENV: Record<string, string> = { VD_DIFF_SET: 'from-env é', VD_DIFF_NUM: '8' };

// ---------------------------------------------------------------------------------------------------------------
// Seeded randomness (mulberry32)

export class Rng {
    private s: number;
    constructor(seed: number) {
        this.s = seed >>> 0 || 0x9e3779b9;
    }
    next(): number {
        let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }
    int(lo: number, hi: number): number {
        return lo + Math.floor(this.next() * (hi - lo + 1));
    }
    chance(p: number): boolean {
        return this.next() < p;
    }
    pick<T>(xs: readonly T[]): T {
        return xs[Math.floor(this.next() * xs.length)] as T;
    }
    some<T>(xs: readonly T[], lo: number, hi: number): T[] {
        return Array.from({ length: this.int(lo, hi) }, () => this.pick(xs));
    }
}

/** The seed of case `i` of a run started with `base`. */
export function caseSeed(base: number, i: number): number {
    let h = (base ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
    return (h ^ (h >>> 13)) >>> 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Python literals

const ESCAPES = ['\\\\', "\\'", '\\"', '\\a', '\\b', '\\f', '\\n', '\\r', '\\t', '\\v', '\\0', '\\101', '\\x41'];
const UNI_ESCAPES = ['\\u00e9', '\\u4e2d', '\\U0001F600', '\\xff', '\\x7f', '\\x00'];
const ODD_ESCAPES = ['\\q', '\\d', '\\N{BULLET}', '\\N{LATIN SMALL LETTER E WITH ACUTE}', '\\ud800', '\\udcff'];
const PLAIN = ['a', 'b', 'x', 'hello', 'world', 'torch', ' ', '-', '_', '=', '/', ':', '.', '{', '}', '$HOME', '%s'];
const UNICODE = ['é', 'ö', '中文', '😀', 'ß', 'Ω', '\u00a0', 'e\u0301'];

class Gen {
    readonly features = new Set<Feature>();
    constructor(
        readonly r: Rng,
        private readonly allowed: Set<Feature>,
    ) {}

    can(f: Feature, p: number): boolean {
        if (!this.allowed.has(f) || !this.r.chance(p)) return false;
        this.features.add(f);
        return true;
    }

    /** A Python str literal with quotes, prefixes, escapes and implicit concatenation chosen at random. */
    str(kind: 'word' | 'text' | 'env' = 'text'): string {
        const r = this.r;
        if (kind === 'word') return r.pick(['"', "'"]) === '"' ? `"${this.word()}"` : `'${this.word()}'`;
        const parts = r.int(1, kind === 'env' ? 8 : 4);
        let raw = r.chance(0.15);
        const quote = r.pick(['"', "'", '"""', "'''"]);
        let body = '';
        for (let i = 0; i < parts; i++) {
            const roll = r.next();
            if (roll < 0.45) body += r.pick(PLAIN);
            else if (roll < 0.7 && kind === 'env') body += r.pick(ESCAPES);
            else if (roll < 0.8) body += r.pick(UNICODE);
            else if (roll < 0.9 && kind === 'env') body += r.pick(UNI_ESCAPES);
            else if (this.can('odd-escapes', 0.3)) body += r.pick(ODD_ESCAPES);
            else body += r.pick(PLAIN);
        }
        if (raw) {
            // A raw string cannot end in an odd backslash or hold its own quote unescaped.
            body = body.replace(/\\(["'])/g, '$1').replace(/["']/g, '');
            if (/\\$/.test(body.replace(/\\\\/g, ''))) body += 'z';
        } else {
            body = body.replace(new RegExp(`(?<!\\\\)${quote[0]}`, 'g'), `\\${quote[0]}`);
        }
        if (quote.length === 3 && body.endsWith(quote[0] as string)) body += ' ';
        if (quote.length === 3 && r.chance(0.3)) body += '\nsecond line';
        raw = raw && !/\\N\{/.test(body);
        let lit = `${raw ? r.pick(['r', 'R']) : r.chance(0.05) ? 'u' : ''}${quote}${body}${quote}`;
        // Implicit concatenation of adjacent literals.
        if (r.chance(0.1)) lit += ` ${this.str('word')}`;
        return lit;
    }

    word(): string {
        return this.r.pick(['numpy', 'torch==2.3.0', 'requests>=2', 'curl', 'git', 'vim', 'my pkg', 'x_y', 'A1']);
    }

    int(): string {
        const r = this.r;
        if (this.can('numbers', 0.25)) {
            return r.pick([
                '10**23',
                '10**3',
                '2**31',
                '1_000',
                '0x10',
                '0o17',
                '0b101',
                '-5',
                '3 * 4',
                '7 // 2',
                '-0',
            ]);
        }
        return String(r.pick([0, 1, 2, 3, 5, 8, 10, 16, 20, 32, 50, 64, 100, 128, 1000, 3600, 86400]));
    }

    float(): string {
        const r = this.r;
        if (this.can('numbers', 0.3)) {
            return r.pick(['-0.0', '8000.0', '1e3', '1E-5', '1.5e300', '0.1 + 0.2', '1e16', '2.5e-7', '10 / 4', '.5']);
        }
        return r.pick(['0.5', '0.98', '1.5', '2.0', '4.5', '30.0', '0.8', '100.25']);
    }

    number(): string {
        return this.r.chance(0.5) ? this.int() : this.float();
    }

    /** Any argument value: a literal, a module constant, an env read or an f-string. */
    value(kind: 'str' | 'num' | 'any' = 'any'): string {
        const r = this.r;
        if (kind !== 'num' && this.can('env-read', 0.06)) {
            return r.pick([
                'os.environ["VD_DIFF_SET"]',
                'os.environ.get("VD_DIFF_SET", "dflt")',
                'os.environ.get("VD_DIFF_UNSET", "dflt")',
                'os.getenv("VD_DIFF_SET")',
                'os.getenv("VD_DIFF_UNSET", "fallback")',
                'os.environ["VD_DIFF_UNSET"]',
            ]);
        }
        if (kind !== 'num' && this.can('fstring', 0.06)) {
            return r.pick(['f"{NAME}-x"', 'f"v{N:03d}"', "f'{NAME!r}'", 'f"{N * 2}"', 'f"{{lit}}"']);
        }
        if (kind === 'num' && r.chance(0.05)) return 'N';
        if (kind === 'str' && r.chance(0.05)) return 'NAME';
        if (kind === 'num') return this.number();
        if (kind === 'str') return this.str();
        return r.chance(0.8) ? this.str() : this.number();
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The copied tree

const NAMES = [
    'a.txt',
    'b.bin',
    'README',
    'with space.txt',
    'ünïcødé.txt',
    '😀.dat',
    '-dash',
    '#hash',
    "q'uote",
    'dq"uote',
    'back\\slash',
    'tab\tname',
    'x'.repeat(110),
    'UPPER.TXT',
    'upper.txt',
    'e\u0301.txt',
    '.hidden',
    '%41',
    '[br]',
    'Z',
    '_',
    '.env',
    'key.pem',
];
const MODES = [0o644, 0o644, 0o644, 0o755, 0o600, 0o444, 0o640, 0o4755];
const DIR_MODES = [0o755, 0o755, 0o700, 0o775, 0o750];

function treeFor(g: Gen): { tree: TreeNode[]; dirs: string[]; files: string[] } {
    const r = g.r;
    const tree: TreeNode[] = [];
    const dirs: string[] = ['data'];
    const files: string[] = [];
    const b = (s: string) => Buffer.from(s, 'utf8');
    tree.push({ t: 'dir', name: b('data'), mode: 0o755 });
    const walk = (dir: string, depth: number) => {
        const used = new Set<string>();
        for (let i = r.int(0, 4); i > 0; i--) {
            const n = r.pick(NAMES);
            if (used.has(n)) continue;
            used.add(n);
            const p = `${dir}/${n}`;
            const size = r.chance(0.03) ? r.int(1 << 20, 6 << 20) : r.chance(0.15) ? 0 : r.int(1, 3000);
            tree.push({ t: 'file', name: b(p), mode: r.pick(MODES), size, seed: r.int(1, 1 << 30) });
            files.push(p);
        }
        if (depth < 3) {
            for (let i = r.int(0, depth === 0 ? 3 : 2); i > 0; i--) {
                const n = r.pick(['sub', 'empty', 'd ir', 'ünï', 'nested', '.git']);
                if (used.has(n)) continue;
                used.add(n);
                const p = `${dir}/${n}`;
                tree.push({ t: 'dir', name: b(p), mode: r.pick(DIR_MODES) });
                dirs.push(p);
                walk(p, depth + 1);
            }
        }
    };
    walk('data', 0);
    if (files.length > 0 && r.chance(0.2)) {
        const target = r.pick(files);
        const p = `${path.posix.dirname(target)}/link-to-file`;
        if (!files.includes(p)) {
            tree.push({ t: 'symlink', name: b(p), target: path.posix.basename(target) });
            files.push(p);
        }
    }
    if (r.chance(0.05)) tree.push({ t: 'symlink', name: b('data/broken-link'), target: 'does-not-exist' });
    if (r.chance(0.05)) tree.push({ t: 'symlink', name: b('data/outside-link'), target: '/etc/hostname' });
    if (dirs.length > 1 && g.can('dir-symlink', 0.25)) {
        const target = r.pick(dirs.slice(1));
        tree.push({ t: 'symlink', name: b('data/linked-dir'), target: path.posix.relative('data', target) });
        tree.push({ t: 'symlink', name: b('linkdir'), target });
        dirs.push('linkdir');
    }
    if (files.length > 0 && g.can('hardlink', 0.25)) {
        const target = r.pick(files.filter((f) => !f.endsWith('link-to-file')).concat(['data']));
        if (target !== 'data') {
            for (let i = r.int(1, 2); i > 0; i--) {
                const p = `${r.pick(dirs.filter((d) => d !== 'linkdir'))}/hard${i}`;
                tree.push({ t: 'hardlink', name: b(p), target: b(target) });
                files.push(p);
            }
        }
    }
    if (g.can('non-utf8', 0.1)) {
        tree.push({
            t: 'file',
            name: Buffer.concat([b('data/bad-'), Buffer.from([0xff, 0xfe]), b('.txt')]),
            mode: 0o644,
            size: 5,
            seed: 7,
        });
    }
    return { tree, dirs, files };
}

// ---------------------------------------------------------------------------------------------------------------
// The module

const AUTOSCALING: [string, 'int' | 'float' | 'str'][] = [
    ['cold_workers', 'int'],
    ['max_workers', 'int'],
    ['min_load', 'int'],
    ['min_cold_load', 'int'],
    ['target_util', 'float'],
    ['cold_mult', 'int'],
    ['max_queue_time', 'float'],
    ['target_queue_time', 'float'],
    ['inactivity_timeout', 'int'],
    ['autoscaler_instance', 'str'],
];

interface Vocabulary {
    columns: Record<string, string>;
    gpu_names: Record<string, string>;
}

function queryTerm(g: Gen, voc: Vocabulary, used: Set<string>): string {
    const r = g.r;
    const columns = Object.keys(voc.columns);
    const gpus = Object.keys(voc.gpu_names);
    const roll = r.next();
    const ops = ['==', '!=', '<', '<=', '>', '>='];
    if (roll < 0.3) {
        used.add('gpu_name');
        const gs = r.some(gpus, 1, 3);
        gs.forEach((x) => used.add(x));
        const form = r.int(0, 3);
        if (form === 0) return `gpu_name == ${gs[0]}`;
        if (form === 1) return `gpu_name != ${gs[0]}`;
        if (form === 2) return `gpu_name.in_([${gs.join(', ')}])`;
        return `gpu_name.notin_([${gs.map((x) => (r.chance(0.5) ? x : JSON.stringify(voc.gpu_names[x]))).join(', ')}])`;
    }
    if (roll < 0.5) {
        const col = r.pick(['gpu_ram', 'cpu_ram', 'gpu_total_ram', 'duration']);
        used.add(col);
        const v = r.pick(['48000', '24576', '80500', '86400 * 3', '1024 * 24', '12.5', '1e3', '500']);
        return `${col} ${r.pick(ops)} ${v}`;
    }
    if (roll < 0.55 && g.can('column-ctor', 0.8)) {
        used.add('Column');
        return `Column(${r.pick(['"num_gpus"', '"cuda_max_good"', '"my col"'])}) ${r.pick(ops)} ${g.number()}`;
    }
    const col = r.pick(columns);
    used.add(col);
    if (r.chance(0.1)) return `${g.int()} < ${col}`;
    if (r.chance(0.15)) {
        return `${col}.in_([${r.some(['"US"', '"CA"', '"a b"', '1', '2.5', 'True'], 1, 3).join(', ')}])`;
    }
    const v = r.pick([g.number(), g.number(), '"x y"', 'True', 'False', 'None', g.str('word')]);
    return `${col} ${r.pick(ops)} ${v}`;
}

function imageCall(
    g: Gen,
    copySources: string[],
    voc: Vocabulary,
    used: Set<string>,
): { name: string; args: string[] } {
    const r = g.r;
    const roll = r.int(0, 11);
    switch (roll) {
        case 0:
            return { name: 'pip_install', args: Array.from({ length: r.int(0, 3) }, () => g.value('str')) };
        case 1:
            return { name: 'apt_get', args: Array.from({ length: r.int(1, 3) }, () => g.value('str')) };
        case 2:
            return { name: 'run_script', args: [g.str('env')] };
        case 3: {
            const args = Array.from({ length: r.int(0, 4) }, () => (r.chance(0.85) ? g.str('env') : g.number()));
            if (g.can('dict-splat', 0.15)) args.push(`*[${g.str()}, ${g.str()}]`);
            return { name: 'run_cmd', args };
        }
        case 4:
        case 5: {
            const keys = ['HF_HOME', 'GREETING', 'A', 'PATH_X', 'Ünï', '_x1', 'MODE'];
            const names = [...new Set(r.some(keys, 0, 3))];
            // A repeated keyword is a SyntaxError: Python refuses the file before the SDK runs.
            if (names.length > 0 && g.can('repeated-keyword', 0.05)) names.push(names[0] as string);
            const args = names.map((k) => `${k}=${r.chance(0.9) ? g.value('str') : g.number()}`);
            if (g.can('dict-splat', 0.2)) args.push(`**{"A-B": ${g.str('env')}, "c d": ${g.str('env')}}`);
            return { name: 'env', args };
        }
        case 6:
        case 7:
            return { name: 'require', args: Array.from({ length: r.int(1, 3) }, () => queryTerm(g, voc, used)) };
        case 8: {
            const src = r.pick(copySources);
            const dst = r.pick([
                '"./data"',
                '"/opt/data"',
                '"data2"',
                '"./a b/ü"',
                '"/opt/x/"',
                `"./${'d'.repeat(120)}"`,
                '"/app"',
                '"."',
            ]);
            return { name: 'copy', args: [src, dst] };
        }
        case 9:
            return r.chance(0.5) ? { name: 'venv', args: [g.str('word')] } : { name: 'use_system_python', args: [] };
        default: {
            const n = g.can('numbers', 0.2) ? g.float() : g.int();
            const args = [n];
            if (r.chance(0.4)) args.push(r.pick(['"udp"', '"tcp"', 'type_="udp"', '"sctp"']));
            return { name: 'publish_port', args };
        }
    }
}

function deploymentArgs(g: Gen): string[] {
    const r = g.r;
    const args: string[] = [];
    if (g.can('positional-name', 0.04)) args.push(g.str('word'));
    if (r.chance(0.85)) args.push(`name=${r.chance(0.1) ? 'None' : g.value('str')}`);
    if (r.chance(0.4)) args.push(`tag=${g.value('str')}`);
    if (r.chance(0.3)) args.push(`version_label=${g.value('str')}`);
    if (r.chance(0.2)) args.push(`ttl=${r.chance(0.2) ? 'None' : g.number()}`);
    if (r.chance(0.03)) args.push(`tagg=${g.str('word')}`);
    return args;
}

function remoteBlock(g: Gen, i: number, benchmark: boolean): Stmt {
    const r = g.r;
    const args: string[] = [];
    if (benchmark) {
        args.push(
            r.chance(0.6) ? `benchmark_dataset=[{"x": ${g.int()}}]` : `benchmark_generator=lambda: {"x": ${g.int()}}`,
        );
    }
    if (r.chance(0.2)) args.push(`benchmark_runs=${g.int()}`);
    const deco = r.chance(0.1) && args.length === 0 ? '@app.remote' : `@app.remote(${args.join(', ')})`;
    return { t: 'block', head: `${deco}\nasync def f${i}(x):`, body: [{ t: 'line', text: 'return x', keep: true }] };
}

/** A random deployment file and the tree it copies. `exclude` leaves shapes out (the CI sample). */
export function generateCase(seed: number, exclude: readonly Feature[] = []): Case {
    const r = new Rng(seed);
    const g = new Gen(r, new Set(FEATURES.filter((f) => !exclude.includes(f))));
    const voc = JSON.parse(fs.readFileSync(vocabularyPath(), 'utf8')) as Vocabulary;
    const { tree, dirs, files } = treeFor(g);
    const copySources = [
        ...dirs.map((d) => JSON.stringify(d)),
        ...files.slice(0, 6).map((f) => JSON.stringify(f)),
        '"missing.txt"',
    ];
    if (tree.some((n) => n.t === 'symlink' && n.target === '/etc/hostname')) copySources.push('"data/outside-link"');

    const used = new Set<string>();
    const body: Stmt[] = [];
    body.push({ t: 'line', text: `NAME = ${g.str('word')}` });
    body.push({ t: 'line', text: `N = ${g.int()}` });
    const debug = r.chance(0.5) ? 'True' : 'False';
    body.push({ t: 'line', text: `DEBUG = ${debug}` });
    body.push({ t: 'call', head: 'app = Deployment', args: deploymentArgs(g) });
    if (g.can('rebinding', 0.1)) body.push({ t: 'line', text: `app.name = ${g.str('word')}` });
    const remotes = r.int(0, 10) === 0 ? 0 : r.int(1, 2);
    for (let i = 0; i < remotes; i++) body.push(remoteBlock(g, i, i === 0 && r.chance(0.95)));

    const imgArgs = [g.value('str')];
    if (!g.can('no-storage', 0.08)) imgArgs.push(r.chance(0.5) ? g.int() : `storage=${g.number()}`);
    if (r.chance(0.1)) imgArgs.push(`docker_login_user=${g.str('word')}`, `docker_login_pass=${g.str('word')}`);
    if (r.chance(0.05)) imgArgs.push(`docker_login_repo=${g.str('word')}`);
    if (g.can('worker-port', 0.08)) imgArgs.push(`worker_port=(${g.int()}, ${r.pick(['"tcp"', '"udp"'])})`);
    const hasImage = r.chance(0.95);
    const calls = () => Array.from({ length: r.int(0, 3) }, () => imageCall(g, copySources, voc, used));
    if (hasImage) {
        if (r.chance(0.4)) body.push({ t: 'chain', head: 'image = app.image', args: imgArgs, calls: calls() });
        else body.push({ t: 'call', head: 'image = app.image', args: imgArgs });
        for (let i = r.int(0, 5); i > 0; i--) {
            const c = imageCall(g, copySources, voc, used);
            if (g.can('rebinding', 0.15)) {
                body.push({ t: 'chain', head: 'image = image', calls: [c] });
            } else if (g.can('control-flow', 0.15)) {
                const shape = r.int(0, 5);
                const stmt: Stmt = { t: 'chain', head: 'image', calls: [c] };
                const other: Stmt = { t: 'chain', head: 'image', calls: [imageCall(g, copySources, voc, used)] };
                if (shape === 0) body.push({ t: 'block', head: 'if DEBUG:', body: [stmt] });
                else if (shape === 1) body.push({ t: 'block', head: 'if not DEBUG:', body: [stmt], orelse: [other] });
                else if (shape === 2) {
                    body.push({ t: 'block', head: `if N > ${g.int()}:`, body: [stmt], orelse: [other] });
                } else if (shape === 3) {
                    body.push({ t: 'block', head: 'def setup():', body: [stmt] });
                    if (r.chance(0.5)) body.push({ t: 'line', text: 'setup()' });
                } else if (shape === 4) body.push({ t: 'block', head: 'for _i in range(2):', body: [stmt] });
                else body.push({ t: 'block', head: 'try:', body: [stmt], orelse: [{ t: 'line', text: 'pass' }] });
            } else {
                body.push({ t: 'chain', head: 'image', calls: [c] });
            }
        }
        if (g.can('rebinding', 0.05)) {
            body.push({ t: 'call', head: 'image = app.image', args: [g.str('word'), g.int()] });
        }
    }
    // Each keyword once: a repeated keyword argument is a SyntaxError before the SDK runs.
    const scaling = () =>
        [...new Map(r.some(AUTOSCALING, 0, 4)).entries()].map(([k, kind]) => {
            if (kind === 'str') return `${k}=${g.str('word')}`;
            if (r.chance(0.05)) return `${k}=None`;
            return `${k}=${kind === 'int' ? g.int() : g.float()}`;
        });
    if (r.chance(0.93)) {
        body.push({ t: 'call', head: 'app.configure_autoscaling', args: scaling() });
        if (r.chance(0.2)) body.push({ t: 'call', head: 'app.configure_autoscaling', args: scaling() });
        if (g.can('dict-splat', 0.1)) {
            body.push({ t: 'call', head: 'app.configure_autoscaling', args: [`**{"min_load": ${g.int()}}`] });
        }
        if (r.chance(0.02)) body.push({ t: 'call', head: 'app.configure_autoscaling', args: ['max_wrkers=3'] });
    }
    body.push({ t: 'line', text: 'app.ensure_ready()' });

    const text = body.map((s) => renderStmt(s, '')).join('\n');
    const columnImports = [...used].filter((u) => u !== 'Column').sort();
    const head: Stmt[] = [{ t: 'line', text: 'import os', keep: true }];
    head.push({ t: 'line', text: 'from vastai import Deployment', keep: true });
    if (columnImports.length > 0) {
        head.push({ t: 'line', text: `from vastai.data.query import ${columnImports.join(', ')}`, keep: true });
    }
    if (used.has('Column') || text.includes('Column(')) {
        head.push({
            t: 'line',
            text: `from ${r.pick(['vastai.data', 'vastai.data.query'])} import Column`,
            keep: true,
        });
    }
    return { seed, features: [...g.features].sort(), stmts: [...head, ...body], tree };
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering and writing

function renderStmt(s: Stmt, indent: string): string {
    switch (s.t) {
        case 'line':
            return indent + s.text.replace(/\n/g, `\n${indent}`);
        case 'call':
            return `${indent}${s.head}(${s.args.join(', ')})${s.tail ?? ''}`;
        case 'chain':
            return `${indent}${s.head}${s.args ? `(${s.args.join(', ')})` : ''}${s.calls.map((c) => `.${c.name}(${c.args.join(', ')})`).join('')}`;
        case 'block': {
            const [deco, head = ''] = s.head.includes('\n') ? s.head.split('\n') : ['', s.head];
            let out = deco ? `${indent}${deco}\n` : '';
            out += `${indent}${head}\n`;
            const body = s.body.length > 0 ? s.body : [{ t: 'line', text: 'pass' } as Stmt];
            out += body.map((b) => renderStmt(b, indent + '    ')).join('\n');
            if (s.orelse && s.orelse.length > 0) {
                out += `\n${indent}${head.startsWith('try') ? 'except Exception:' : 'else:'}\n`;
                out += s.orelse.map((b) => renderStmt(b, indent + '    ')).join('\n');
            }
            return out;
        }
    }
}

/** The module's source text. */
export function renderCase(c: Case): string {
    return c.stmts.map((s) => renderStmt(s, '')).join('\n') + '\n';
}

/** Deterministic content for a generated file: a repeating mix of text and bytes, partly compressible. */
function contentOf(size: number, seed: number): Buffer {
    const r = new Rng(seed);
    const buf = Buffer.alloc(size);
    const text = Buffer.from(`line ${seed} of some text that compresses well\n`);
    for (let i = 0; i < size;) {
        if (r.chance(0.5)) {
            const n = Math.min(size - i, text.length);
            text.copy(buf, i, 0, n);
            i += n;
        } else {
            const n = Math.min(size - i, r.int(1, 256));
            for (let k = 0; k < n; k++) buf[i + k] = r.int(0, 255);
            i += n;
        }
    }
    return buf;
}

/** Writes app.py and the tree into `dir` (which must exist and be empty). */
export function writeCase(c: Case, dir: string): void {
    const at = (name: Buffer) => Buffer.concat([Buffer.from(dir + '/'), name]);
    for (const n of c.tree) {
        if (n.t === 'dir') fs.mkdirSync(at(n.name), { recursive: true });
        else if (n.t === 'file') fs.writeFileSync(at(n.name), contentOf(n.size, n.seed));
        else if (n.t === 'symlink') fs.symlinkSync(n.target, at(n.name));
        else fs.linkSync(at(n.target), at(n.name));
    }
    // Modes last: a read-only folder must be filled first.
    for (const n of [...c.tree].reverse()) {
        if (n.t === 'file') fs.chmodSync(at(n.name), n.mode);
        if (n.t === 'dir') fs.chmodSync(at(n.name), n.mode);
    }
    fs.writeFileSync(path.join(dir, 'app.py'), renderCase(c));
}

/** ../shared/compat/query-vocabulary.json beside the repository (CI clones it next to shared/). */
export function vocabularyPath(): string {
    return path.resolve(__dirname, '../../..', '../shared/compat/query-vocabulary.json');
}
