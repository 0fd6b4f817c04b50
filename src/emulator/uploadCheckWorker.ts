/**
 * Worker-thread entry of the upload check (see uploadCheck.ts): scans one stored upload and posts the result.
 * Bundled on its own as dist/uploadCheckWorker.js; under tsc it sits next to uploadCheck.js.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkTarball, TarballError, type ScanLimits } from './tarball';

export interface CheckJob {
    file: string;
    spoolFile: string;
    limits: ScanLimits;
}

const job = workerData as CheckJob;
try {
    parentPort!.postMessage({ ok: true, ...checkTarball(job.file, job.spoolFile, job.limits) });
} catch (e) {
    parentPort!.postMessage(
        e instanceof TarballError
            ? { ok: false, problem: e.problem, message: e.message }
            : { ok: false, problem: 'unreadable', message: `it could not be read (${String(e)})` },
    );
}
