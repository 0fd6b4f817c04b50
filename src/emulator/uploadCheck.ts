/**
 * Runs the tarball check of one upload off the request path: in a worker thread with a memory limit and a time
 * budget, so a hostile archive (a header that never ends, a gzip bomb) costs at most that budget and never stops
 * the server from answering anyone else.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ScanLimits, TarballCheck, TarballProblem } from './tarball';
import type { CheckJob } from './uploadCheckWorker';

export type UploadCheckResult =
    ({ ok: true } & TarballCheck) | { ok: false; problem: TarballProblem | 'timeout' | 'busy'; message: string };

/** Entries an upload may hold; each costs a little memory in the check (a Hugging Face cache has thousands). */
export const MAX_ENTRIES = 200_000;
/** Checks running at once; more answer 503 SlowDown, as S3 does when overloaded. */
const MAX_RUNNING = 4;
let running = 0;

function workerScript(): string {
    // Next to the bundle (dist/) or, under tsc, next to this file.
    const file = path.join(__dirname, 'uploadCheckWorker.js');
    if (!fs.existsSync(file)) throw new Error(`The emulator's upload checker was not found at ${file}`);
    return file;
}

/** A budget that lets an honest upload finish: 30 s, plus 1 s per 10 MB stored. */
export function defaultBudgetMs(fileBytes: number): number {
    return 30_000 + Math.ceil(fileBytes / 10e6) * 1000;
}

export function checkUpload(file: string, limits: ScanLimits, budgetMs: number): Promise<UploadCheckResult> {
    if (running >= MAX_RUNNING) {
        return Promise.resolve({ ok: false, problem: 'busy', message: 'too many uploads are being checked' });
    }
    running++;
    const job: CheckJob = { file, spoolFile: `${file}.spool`, limits };
    return new Promise<UploadCheckResult>((resolve) => {
        const worker = new Worker(workerScript(), {
            workerData: job,
            resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 },
            stdout: false,
            stderr: false,
        });
        let settled = false;
        const finish = (r: UploadCheckResult): void => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            running--;
            void worker.terminate().finally(() => fs.rmSync(job.spoolFile, { force: true }));
            resolve(r);
        };
        const timer = setTimeout(
            () =>
                finish({
                    ok: false,
                    problem: 'timeout',
                    message: `reading it took longer than ${Math.round(budgetMs / 1000)} s`,
                }),
            budgetMs,
        );
        worker.once('message', (m: UploadCheckResult) => finish(m));
        worker.once('error', (e) =>
            finish({ ok: false, problem: 'unreadable', message: `it could not be read (${e.message})` }),
        );
        worker.once('exit', () =>
            finish({ ok: false, problem: 'unreadable', message: 'it could not be read (the check stopped)' }),
        );
    });
}
