/**
 * Worker-thread entry of the off-thread analysis (see offThread.ts): owns its own parser, analyses one text per
 * message within the budget it is given, and posts the analysis back. Bundled on its own as dist/analysisWorker.js;
 * under tsc it sits next to offThread.js. The parser's wasm files are found as on the main thread (parser.ts).
 */
import { parentPort } from 'node:worker_threads';
import { analyzeBounded, initPython } from '../shared/python/analyze';
import type { AnalysisJob, AnalysisReply } from './offThread';

const port = parentPort;
if (!port) throw new Error('analysisWorker.js runs only as a worker thread');

port.on('message', (job: AnalysisJob) => {
    void (async (): Promise<AnalysisReply> => {
        try {
            await initPython();
            const started = performance.now();
            const analysis = analyzeBounded(job.text, job.budgetMs);
            return { id: job.id, analysis, ms: performance.now() - started };
        } catch (err) {
            return { id: job.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
        }
    })().then((reply) => port.postMessage(reply));
});
