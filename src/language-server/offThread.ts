/**
 * Analysis in a worker thread, for documents too large or too slow to analyse on the server's event loop (see
 * MAX_INLINE_CHARS): while the worker parses and reads one, every request is still answered. One worker, started
 * on first use, analyses one text at a time; a job that outlives its budget by far (a parse that never ends) gets
 * the worker replaced and a `not-analysed` answer.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileAnalysis } from '../shared/model';
import { notAnalysed, overBudget } from '../shared/python/analyze';

export interface AnalysisJob {
    id: number;
    text: string;
    budgetMs: number;
}

export type AnalysisReply = { id: number; analysis: FileAnalysis; ms: number } | { id: number; error: string };

/** What a job resolves to: the analysis and how long the worker spent on it. */
export interface OffThreadResult {
    analysis: FileAnalysis;
    ms: number;
}

/** Time a job may take beyond its analysis budget (the parse is not bounded by it) before the worker is replaced. */
const PARSE_ALLOWANCE_MS = 10_000;

function workerScript(): string {
    // Next to the bundle (dist/) or, under tsc, next to this file.
    const file = path.join(__dirname, 'analysisWorker.js');
    if (!fs.existsSync(file)) throw new Error(`The analysis worker was not found at ${file}`);
    return file;
}

interface Pending {
    job: AnalysisJob;
    resolve: (r: OffThreadResult) => void;
    reject: (err: Error) => void;
}

export class OffThreadAnalyser {
    private worker: Worker | undefined;
    private readonly queue: Pending[] = [];
    private current: Pending | undefined;
    private timer: NodeJS.Timeout | undefined;
    private nextId = 1;
    private disposed = false;

    constructor(private readonly log: (m: string) => void) {}

    /** Analyses `text` in the worker within `budgetMs`; rejects only when the worker cannot run at all. */
    analyze(text: string, budgetMs: number): Promise<OffThreadResult> {
        if (this.disposed) return Promise.reject(new Error('the analysis worker was stopped'));
        return new Promise((resolve, reject) => {
            this.queue.push({ job: { id: this.nextId++, text, budgetMs }, resolve, reject });
            this.next();
        });
    }

    dispose(): void {
        this.disposed = true;
        const stopped = new Error('the analysis worker was stopped');
        for (const p of this.queue.splice(0)) p.reject(stopped);
        this.finish((p) => p.reject(stopped));
        this.stopWorker();
    }

    private next(): void {
        if (this.current || this.disposed) return;
        const p = this.queue.shift();
        if (!p) return;
        let worker: Worker;
        try {
            worker = this.start();
        } catch (err) {
            p.reject(err instanceof Error ? err : new Error(String(err)));
            this.next();
            return;
        }
        this.current = p;
        this.timer = setTimeout(() => {
            this.log(`Analysis worker stopped: one analysis took over ${p.job.budgetMs + PARSE_ALLOWANCE_MS} ms`);
            this.stopWorker();
            const text = p.job.text;
            this.finish((q) => q.resolve({ analysis: notAnalysed(text, overBudget(q.job.budgetMs)), ms: 0 }));
        }, p.job.budgetMs + PARSE_ALLOWANCE_MS);
        worker.postMessage(p.job);
    }

    /** Settles the running job with `how`, and starts the next one. */
    private finish(how: (p: Pending) => void): void {
        clearTimeout(this.timer);
        const p = this.current;
        this.current = undefined;
        if (p) how(p);
        this.next();
    }

    private start(): Worker {
        if (this.worker) return this.worker;
        const worker = new Worker(workerScript(), { stdout: false, stderr: false });
        // The server exits on `exit` whatever the worker is doing; in-process tests must not be kept alive by it.
        worker.unref();
        worker.on('message', (reply: AnalysisReply) => {
            if (this.worker !== worker || reply.id !== this.current?.job.id) return;
            if ('error' in reply) {
                const err = new Error(reply.error);
                this.finish((p) => p.reject(err));
            } else {
                this.finish((p) => p.resolve({ analysis: reply.analysis, ms: reply.ms }));
            }
        });
        const fail = (why: string): void => {
            if (this.worker !== worker) return;
            this.worker = undefined;
            const err = new Error(why);
            this.finish((p) => p.reject(err));
        };
        worker.on('error', (err) => fail(`the analysis worker failed: ${err.message}`));
        worker.on('exit', (code) => fail(`the analysis worker exited (code ${code})`));
        this.worker = worker;
        return worker;
    }

    private stopWorker(): void {
        const w = this.worker;
        this.worker = undefined;
        if (w) void w.terminate().catch(() => undefined);
    }
}
