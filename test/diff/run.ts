/**
 * Runs generated cases through the official SDK (`sdk.py capture`, many per process, see captureWorker.py) and
 * through our CLI (`package --json`), classifies each, and shrinks a mismatching file to the smallest one that
 * still shows the same kind of mismatch.
 */
import { spawn, execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { CASE_ENV, generateCase, renderCase, writeCase, type Case, type Feature, type Stmt } from './generate';
import { classify, parseExactJson, type OurRun, type Outcome, type SdkCapture, type TarEntry } from './compare';

const REPO = path.resolve(__dirname, '../../..');
export const ORACLE_DIR = path.resolve(REPO, '../shared/oracle');
const CLI = path.join(REPO, 'dist', 'cli.js');
const WORKER = path.join(REPO, 'test', 'diff', 'captureWorker.py');

interface WorkerRequest {
    capture?: string;
    list?: string;
    out: string;
    log?: string;
}

/** A pool of captureWorker.py processes; each handles one request at a time. */
export class CaptureWorkers {
    private readonly workers: { send: (r: WorkerRequest) => Promise<{ ok: boolean; error?: string }>; busy: number }[] =
        [];
    private readonly children: ReturnType<typeof spawn>[] = [];

    constructor(n: number) {
        const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-diff-home-'));
        for (let i = 0; i < n; i++) {
            const child = spawn('/usr/bin/python3', [WORKER, ORACLE_DIR], {
                stdio: ['pipe', 'pipe', 'inherit'],
                env: { PATH: process.env.PATH ?? '', HOME: home, ...CASE_ENV },
            });
            this.children.push(child);
            const waiting: ((r: { ok: boolean; error?: string }) => void)[] = [];
            createInterface({ input: child.stdout! }).on('line', (line) => waiting.shift()?.(JSON.parse(line)));
            child.on('exit', () => waiting.splice(0).forEach((w) => w({ ok: false, error: 'capture worker exited' })));
            let chain: Promise<unknown> = Promise.resolve();
            const worker = {
                busy: 0,
                send: (r: WorkerRequest) => {
                    worker.busy++;
                    const p = chain.then(
                        () =>
                            new Promise<{ ok: boolean; error?: string }>((resolve) => {
                                waiting.push(resolve);
                                child.stdin!.write(JSON.stringify(r) + '\n');
                            }),
                    );
                    chain = p.finally(() => worker.busy--);
                    return p;
                },
            };
            this.workers.push(worker);
        }
    }

    request(r: WorkerRequest): Promise<{ ok: boolean; error?: string }> {
        const w = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
        return w.send(r);
    }

    close(): void {
        for (const c of this.children) c.stdin?.end();
    }
}

function runOurCli(caseDir: string, archive: string): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            [CLI, 'package', 'app.py', '--json', '--yes', '--out', archive],
            {
                cwd: caseDir,
                env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...CASE_ENV },
                timeout: 120_000,
                maxBuffer: 16 << 20,
            },
            (err, stdout, stderr) =>
                resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
        );
    });
}

export interface CaseResult {
    case: Case;
    outcome: Outcome;
}

/** Writes the case into a fresh folder under `root`, runs both sides, classifies; removes the folder unless `keep`. */
export async function runCase(c: Case, workers: CaptureWorkers, root: string, keep = false): Promise<CaseResult> {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    const dir = fs.mkdtempSync(path.join(root, `case-${c.seed}-`));
    const caseDir = path.join(dir, 'case');
    fs.mkdirSync(caseDir);
    try {
        writeCase(c, caseDir);
        const sdkOut = path.join(dir, 'sdk.json');
        const [cap, ours] = await Promise.all([
            workers.request({ capture: path.join(caseDir, 'app.py'), out: sdkOut, log: path.join(dir, 'sdk.log') }),
            runOurCli(caseDir, path.join(dir, 'ours.tar.gz')),
        ]);
        if (!cap.ok || !fs.existsSync(sdkOut)) {
            const log = fs.existsSync(path.join(dir, 'sdk.log'))
                ? fs.readFileSync(path.join(dir, 'sdk.log'), 'utf8')
                : '';
            throw new Error(`sdk.py capture failed for seed ${c.seed}: ${cap.error}\n${log.slice(-2000)}`);
        }
        const text = fs.readFileSync(sdkOut, 'utf8');
        const raw = JSON.parse(text) as SdkCapture;
        const sdk: SdkCapture = { ...raw, put: (parseExactJson(text) as SdkCapture).put };
        const run: OurRun = { code: ours.code };
        if (ours.code === 0) {
            run.put = parseExactJson(ours.stdout) as Record<string, unknown>;
            const archive = path.join(dir, 'ours.tar.gz');
            run.archiveSize = fs.statSync(archive).size;
            const listed = path.join(dir, 'ours.json');
            await workers.request({ list: archive, out: listed });
            const l = JSON.parse(fs.readFileSync(listed, 'utf8')) as {
                tar: TarEntry[];
                config: string | null;
                error: string | null;
            };
            if (l.error) throw new Error(`Python's tarfile cannot read our archive (seed ${c.seed}): ${l.error}`);
            run.tar = l.tar;
            run.config = l.config;
        } else {
            const lines = ours.stderr.split('\n').map((x) => x.trim());
            run.reason = lines.filter((x) => x !== '' && !x.startsWith('note:')).join(' | ') || `exit ${ours.code}`;
        }
        return { case: c, outcome: classify(sdk, run) };
    } finally {
        if (!keep) fs.rmSync(dir, { recursive: true, force: true });
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Shrinking

function clone(c: Case): Case {
    return { ...c, stmts: JSON.parse(JSON.stringify(c.stmts)) as Stmt[] };
}

/** Every case with one piece removed: statements first (largest effect), then chained calls, then arguments. */
function* smaller(c: Case): Generator<Case> {
    const lists = (stmts: Stmt[], acc: Stmt[][]): Stmt[][] => {
        acc.push(stmts);
        for (const s of stmts) if (s.t === 'block') [s.body, s.orelse ?? []].forEach((b) => lists(b, acc));
        return acc;
    };
    const nStmtLists = lists(c.stmts, []).length;
    for (let li = 0; li < nStmtLists; li++) {
        const len = (lists(c.stmts, [])[li] as Stmt[]).length;
        for (let i = len - 1; i >= 0; i--) {
            const d = clone(c);
            const l = lists(d.stmts, [])[li] as Stmt[];
            const s = l[i] as Stmt;
            if (s.t === 'line' && s.keep) continue;
            l.splice(i, 1);
            yield d;
            // A block can also give way to its body.
            if (s.t === 'block' && s.body.length > 0) {
                const e = clone(c);
                (lists(e.stmts, [])[li] as Stmt[]).splice(i, 1, ...s.body);
                yield e;
            }
        }
    }
    const all = (stmts: Stmt[]): Stmt[] =>
        stmts.flatMap((s) => (s.t === 'block' ? [s, ...all(s.body), ...all(s.orelse ?? [])] : [s]));
    const count = all(c.stmts).length;
    for (let si = 0; si < count; si++) {
        const s = all(c.stmts)[si] as Stmt;
        if (s.t === 'chain') {
            for (let k = s.calls.length - 1; k >= 0; k--) {
                const d = clone(c);
                (all(d.stmts)[si] as Extract<Stmt, { t: 'chain' }>).calls.splice(k, 1);
                yield d;
            }
            for (let k = 0; k < s.calls.length; k++) {
                for (let a = (s.calls[k]?.args.length ?? 0) - 1; a >= 0; a--) {
                    const d = clone(c);
                    (all(d.stmts)[si] as Extract<Stmt, { t: 'chain' }>).calls[k]?.args.splice(a, 1);
                    yield d;
                }
            }
        }
        const args = s.t === 'call' || s.t === 'chain' ? s.args : undefined;
        for (let a = (args?.length ?? 0) - 1; a >= 0; a--) {
            const d = clone(c);
            const t = all(d.stmts)[si] as Extract<Stmt, { t: 'call' }>;
            t.args.splice(a, 1);
            yield d;
        }
    }
}

/** The smallest case (by greedy removal) whose outcome still has `kind` among its differences. */
export async function shrink(r: CaseResult, workers: CaptureWorkers, root: string, budget = 80): Promise<CaseResult> {
    const kind = r.outcome.diffs[0]?.kind;
    let best = r;
    let tries = 0;
    let progress = true;
    while (progress && tries < budget) {
        progress = false;
        for (const d of smaller(best.case)) {
            if (++tries > budget) break;
            const res = await runCase(d, workers, root);
            if (res.outcome.cls === 'mismatch' && res.outcome.diffs.some((x) => x.kind === kind)) {
                best = res;
                progress = true;
                break;
            }
        }
    }
    return best;
}

/** The tree a case copies, one line per entry, for a report. */
export function describeTree(c: Case): string {
    return c.tree
        .map((n) => {
            const name = JSON.stringify(n.name.toString('utf8'));
            if (n.t === 'file') return `  file ${name} mode ${n.mode.toString(8)} size ${n.size}`;
            if (n.t === 'dir') return `  dir  ${name} mode ${n.mode.toString(8)}`;
            if (n.t === 'symlink') return `  link ${name} -> ${n.target}`;
            return `  hard ${name} = ${JSON.stringify(n.target.toString('utf8'))}`;
        })
        .join('\n');
}

export { generateCase, renderCase, type Feature };
