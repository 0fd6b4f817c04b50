/** `serve <file.py>`: deploy to the local emulator and redeploy on every save, streaming the worker log. */
import { randomBytes } from 'node:crypto';
import { startEmulator, type EmulatorHandle } from '../../emulator';
import { VastClient } from '../../pipeline/api';
import { ServeSession, type ServeEvent } from '../../pipeline/run';
import { COMMON_HELP, makeClient, oneFile, parse, type Io } from '../common';

export const SERVE_HELP = `Usage: vast-deployments serve <file.py> [--deployment NAME] [--api-url URL] [--json]

Deploys the file to the local emulator, then redeploys it on every save of the file or of a path it copies (a code
change is a soft update) and prints the worker log as it comes. A save with errors (the editor's rules, syntax
errors, a deployment that cannot be packaged) is not deployed: it says why and keeps serving the last good version.
Without --api-url an emulator is started in this process (and stopped on exit); with it, the emulator at that URL
is used. Ctrl-C stops serving. --json prints one JSON event per line.

Options:
  --no-logs     do not stream the worker log

${COMMON_HELP}`;

function eventLine(e: ServeEvent): string {
    switch (e.kind) {
        case 'deploying':
            return e.reason === 'start' ? 'deploying…' : `changed: ${e.changed} — redeploying…`;
        case 'ready':
            return `serving ${e.name} (${e.action}, version ${e.versionId ?? '?'}) — ready in ${e.readyMs} ms`;
        case 'refused':
            return `not redeployed: ${e.reason}`;
        case 'failed':
            return `deploy failed: ${e.message}`;
        case 'log':
            return `[worker] ${e.line}`;
    }
}

export async function runServe(argv: string[], io: Io): Promise<number> {
    const { values, positionals } = parse(argv, {
        deployment: { type: 'string' },
        'no-logs': { type: 'boolean', default: false },
    });
    if (values.help) {
        io.out(SERVE_HELP);
        return 0;
    }
    const file = oneFile(positionals, 'serve');
    let emulator: EmulatorHandle | undefined;
    let client: VastClient;
    if (values['api-url'] === undefined) {
        const key = randomBytes(16).toString('hex');
        emulator = await startEmulator({ apiKeys: [key], warmWorker: 'eager' });
        io.err(`local emulator on ${emulator.url}`);
        client = new VastClient({ apiKey: key, webserverUrl: emulator.url, autoscalerUrl: emulator.url });
    } else {
        client = makeClient(values, io);
    }
    const session = new ServeSession({
        client,
        file,
        deployment: values.deployment,
        logPollMs: values['no-logs'] ? 0 : 500,
        onEvent: (e) => {
            if (values.json) io.out(JSON.stringify(e));
            else if (e.kind === 'log') io.out(eventLine(e));
            else io.err(eventLine(e));
            if (e.kind === 'refused') for (const p of e.problems.slice(1)) if (!values.json) io.err(`  ${p}`);
        },
    });
    try {
        await session.start();
        await new Promise<void>((resolve) => {
            if (io.signal.aborted) resolve();
            io.signal.addEventListener('abort', () => resolve(), { once: true });
        });
    } finally {
        await session.stop();
        await emulator?.stop();
    }
    io.err('stopped serving');
    return 0;
}
