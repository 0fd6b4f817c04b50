/**
 * `vast-deployments`: the headless twin of the editor's CodeLens actions. Results go to stdout, progress to
 * stderr; a failure exits non-zero with a one-line reason (never an API key).
 */
import { ApiError, CancelledError, findApiKey, MissingApiKeyError, redact } from '../pipeline/api';
import { PackagePlanError, PackagingAbortedError } from '../pipeline/packaging';
import { DeployError, SourceFileError, SpecLoadError, WorkerStartupError } from '../pipeline/run';
import { runBenchmarkCommand, runInvoke } from './commands/benchmark';
import { runCheck } from './commands/check';
import { runDeploy, runPlan } from './commands/deploy';
import { runEmulator } from './commands/emulator';
import { runMachines } from './commands/machines';
import { runLogs, runStatus, runStopStart, runTeardown } from './commands/manage';
import { runPackage } from './commands/package';
import { runServe } from './commands/serve';
import { CliFailure, COMMON_HELP, UsageError, type Io } from './common';

type Command = (argv: string[], io: Io) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
    check: { run: runCheck, summary: 'check .py files with the editor rules (exit 1 on errors)' },
    package: { run: runPackage, summary: 'build the tarball and print the PUT fields (nothing sent)' },
    machines: { run: runMachines, summary: 'machines matching the requirements now, and their price' },
    plan: { run: runPlan, summary: 'which update tier a deploy would fire, and what changed' },
    deploy: { run: runDeploy, summary: 'package, register, upload, update workers [--wait]' },
    benchmark: { run: runBenchmarkCommand, summary: 'call the benchmark function N times; latency stats' },
    invoke: { run: runInvoke, summary: 'call one @remote function once' },
    status: { run: runStatus, summary: 'deployments, or one deployment with its workers' },
    logs: { run: runLogs, summary: "the endpoint's worker logs [--follow]" },
    teardown: { run: runTeardown, summary: 'delete a deployment (by file, name or id)' },
    stop: { run: (a, io) => runStopStart(a, io, 'stop'), summary: 'keep the deployment, workers inactive' },
    start: { run: (a, io) => runStopStart(a, io, 'start'), summary: 'make a stopped deployment active again' },
    serve: { run: runServe, summary: 'deploy to the local emulator and redeploy on every save' },
    emulator: { run: runEmulator, summary: 'run the local Vast emulator on 127.0.0.1' },
};

export const MAIN_HELP = `Usage: vast-deployments <command> [options]

Commands:
${Object.entries(COMMANDS)
    .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
    .join('\n')}

Run \`vast-deployments <command> --help\` for a command's options.

${COMMON_HELP}`;

/** One line, whatever the error; DeployError adds the state of the deployment. */
function reason(e: unknown): { line: string; details: string[]; code: number } {
    if (e instanceof CliFailure) return { line: e.message, details: e.details, code: e.exitCode };
    if (e instanceof SourceFileError) return { line: e.message, details: [], code: 1 };
    if (e instanceof SpecLoadError) return { line: e.message.split('\n')[0]!, details: e.problems, code: 1 };
    if (e instanceof PackagePlanError) {
        return { line: 'cannot package the deployment', details: e.message.split('\n'), code: 1 };
    }
    if (e instanceof DeployError) {
        // A worker that failed to start: its traceback, mapped to the user's file, under the one line.
        const details = e.cause instanceof WorkerStartupError ? e.cause.detail.trimEnd().split('\n') : [];
        return { line: `${e.summary} — ${e.stateMessage}`, details, code: e.cancelled ? 130 : 1 };
    }
    if (e instanceof CancelledError || e instanceof PackagingAbortedError) {
        return { line: 'cancelled', details: [], code: 130 };
    }
    if (e instanceof ApiError || e instanceof MissingApiKeyError) return { line: e.message, details: [], code: 1 };
    if (e instanceof Error) {
        return { line: `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`, details: [], code: 1 };
    }
    return { line: String(e), details: [], code: 1 };
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
        (name === undefined ? io.err : io.out)(MAIN_HELP);
        return name === undefined ? 2 : 0;
    }
    if (name === '--version') {
        io.out('0.1.0');
        return 0;
    }
    const cmd = COMMANDS[name];
    if (!cmd) {
        io.err(`error: unknown command "${name}" (see vast-deployments --help)`);
        return 2;
    }
    // Safety net: whatever path an error took, the key it might carry is scrubbed before printing.
    const secrets = [findApiKey(undefined, { env: io.env })?.key, flagValue(rest, '--api-key')].filter(
        (s): s is string => Boolean(s),
    );
    try {
        return await cmd.run(rest, io);
    } catch (e) {
        if (e instanceof UsageError) {
            io.err(`error: ${redact(e.message, secrets)} (see vast-deployments ${name} --help)`);
            return 2;
        }
        const r = reason(e);
        for (const d of r.details) io.err(redact(d, secrets));
        io.err(`error: ${redact(r.line, secrets).replace(/\s*\n\s*/g, ' ')}`);
        return r.code;
    }
}

function flagValue(argv: string[], flag: string): string | undefined {
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === flag) return argv[i + 1];
        if (argv[i]!.startsWith(`${flag}=`)) return argv[i]!.slice(flag.length + 1);
    }
    return undefined;
}

if (require.main === module) {
    const ctrl = new AbortController();
    let interrupts = 0;
    process.on('SIGINT', () => {
        // First Ctrl-C cancels the running step cleanly; a second one exits at once.
        if (++interrupts > 1) process.exit(130);
        ctrl.abort();
    });
    const io: Io = {
        out: (t) => process.stdout.write(`${t}\n`),
        err: (t) => process.stderr.write(`${t}\n`),
        env: process.env,
        cwd: process.cwd(),
        signal: ctrl.signal,
    };
    main(process.argv.slice(2), io).then(
        (code) => {
            process.exitCode = code;
        },
        (e: unknown) => {
            process.stderr.write(`error: ${String(e)}\n`);
            process.exitCode = 1;
        },
    );
}
