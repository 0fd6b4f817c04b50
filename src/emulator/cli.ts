/**
 * `vast-deployments emulator [--port P] [--api-key K]... [--state DIR] [--python PATH] [--allow-scripts]
 * [--allow-pip] [--max-workers N]`: runs the emulator in the foreground until SIGINT/SIGTERM.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from './server';

export const EMULATOR_USAGE = `Usage: vast-deployments emulator [options]

Runs a local Vast emulator (console + autoscaler API, local Python workers) on 127.0.0.1.

Options:
  --port P          port to listen on (default: a free one)
  --api-key-file F  accept the API key(s) in file F, one per line (keys stay off the command line, where any
                    local process can read them); $VAST_EMULATOR_API_KEY is read once and removed
  --api-key K       accept this API key (repeatable; visible to local processes: prefer --api-key-file);
                    without any key, one is generated and printed
  --state DIR       keep deployments and uploads in DIR across restarts
  --python PATH     Python interpreter for workers (default: python3)
  --allow-scripts   run the deployments' run_script/run_cmd steps on workers (default: skipped)
  --allow-pip       install each deployment's pip_install(...) packages into its own virtual environment
                    (python -m venv --system-site-packages, cached per pip list under the state folder) and
                    run its workers there; pip runs as you, outside the sandbox, with your pip configuration,
                    and takes as long as the install (default: skipped, the interpreter's packages are used)
  --pip-timeout S   time limit in seconds for one venv's creation and install (default: 600)
  --sdk-path DIR    where the vastai SDK is, when the interpreter has not installed it (added to PYTHONPATH)
  --worker W        auto (default: the SDK's own worker when the interpreter can import it) | sdk | builtin
  --no-sandbox      run workers without bubblewrap (they can then read what you can read)
  --no-warm-worker  start each worker's Python cold (by default one process waits with its imports done)
  --max-workers N   at most N workers per deployment (default: 2)
  --max-workers-total N
                    at most N workers of all deployments together (default: 16)
  -h, --help        show this help
`;

export class UsageError extends Error {}

/** Parses the emulator's flags (everything after `emulator`). */
export function parseEmulatorArgs(argv: string[]): EmulatorOptions & { help?: boolean } {
    const o: EmulatorOptions & { help?: boolean } = { apiKeys: [] };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i]!;
        const [flag, inline] =
            a.startsWith('--') && a.includes('=')
                ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
                : [a, undefined];
        const value = (): string => {
            const v = inline ?? argv[++i];
            if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
            return v;
        };
        switch (flag) {
            case '--port': {
                const p = Number(value());
                if (!Number.isInteger(p) || p < 0 || p > 65535) throw new UsageError('--port must be 0..65535');
                o.port = p;
                break;
            }
            case '--api-key':
                o.apiKeys!.push(value());
                break;
            case '--api-key-file': {
                const file = value();
                let text: string;
                try {
                    text = fs.readFileSync(file, 'utf8');
                } catch (e) {
                    throw new UsageError(`--api-key-file: cannot read ${file}: ${(e as NodeJS.ErrnoException).code}`);
                }
                const keys = text
                    .split(/\r?\n/)
                    .map((l) => l.trim())
                    .filter((l) => l !== '' && !l.startsWith('#'));
                if (keys.length === 0) throw new UsageError(`--api-key-file: no key in ${file}`);
                o.apiKeys!.push(...keys);
                break;
            }
            case '--sdk-path':
                o.sdkPath = path.resolve(value());
                break;
            case '--worker': {
                const w = value();
                if (w !== 'auto' && w !== 'sdk' && w !== 'builtin') {
                    throw new UsageError('--worker must be auto, sdk or builtin');
                }
                o.worker = w;
                break;
            }
            case '--no-sandbox':
                o.noSandbox = true;
                break;
            case '--no-warm-worker':
                o.warmWorker = false;
                break;
            case '--state':
                o.stateDir = value();
                break;
            case '--python':
                o.python = value();
                break;
            case '--allow-scripts':
                o.allowScripts = true;
                break;
            case '--allow-pip':
                o.allowPip = true;
                break;
            case '--pip-timeout': {
                const n = Number(value());
                if (!Number.isFinite(n) || n <= 0) {
                    throw new UsageError('--pip-timeout must be a number of seconds > 0');
                }
                o.pipTimeoutMs = n * 1000;
                break;
            }
            case '--max-workers': {
                const n = Number(value());
                if (!Number.isInteger(n) || n < 0) throw new UsageError('--max-workers must be an integer >= 0');
                o.maxWorkers = n;
                break;
            }
            case '--max-workers-total': {
                const n = Number(value());
                if (!Number.isInteger(n) || n < 1) throw new UsageError('--max-workers-total must be an integer >= 1');
                o.maxWorkersTotal = n;
                break;
            }
            case '-h':
            case '--help':
                o.help = true;
                break;
            default:
                throw new UsageError(`Unknown option: ${a}`);
        }
    }
    return o;
}

/** Shell-quotes a value for `export NAME=...` (keys and URLs rarely need it, but a given key may). */
function shellQuote(v: string): string {
    return /^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

/**
 * The lines to paste into a shell so every `vast-deployments` command (and the SDK) talks to this emulator. The key
 * line appears only for a key the emulator generated: a key the user passed is theirs and is never echoed.
 */
export function exportLines(handle: Pick<EmulatorHandle, 'url' | 'generatedKey'>): string[] {
    const lines = [
        'Use it from a shell (every vast-deployments command reads these):',
        `  export VAST_API_URL=${shellQuote(handle.url)}`,
        `  export VAST_AUTOSCALER_URL=${shellQuote(handle.url)}`,
    ];
    if (handle.generatedKey) lines.push(`  export VAST_API_KEY=${shellQuote(handle.generatedKey)}`);
    else lines.push('  export VAST_API_KEY=<one of the --api-key values>');
    return lines;
}

export interface CliIo {
    out: (line: string) => void;
    err: (line: string) => void;
}

/**
 * Runs the `emulator` subcommand: prints the URL once listening (and a generated key, the only time it is shown),
 * then serves until a signal arrives. Resolves with the exit code.
 */
export async function runEmulatorCli(
    argv: string[],
    io: CliIo = { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') },
): Promise<number> {
    let opts: ReturnType<typeof parseEmulatorArgs>;
    try {
        opts = parseEmulatorArgs(argv);
    } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        io.err(e.message);
        io.err(EMULATOR_USAGE);
        return 2;
    }
    if (opts.help) {
        io.out(EMULATOR_USAGE);
        return 0;
    }
    // A key in the environment is read once and removed, so no worker (or anything else we start) inherits it.
    const envKey = process.env.VAST_EMULATOR_API_KEY;
    delete process.env.VAST_EMULATOR_API_KEY;
    if (envKey) opts.apiKeys = [...(opts.apiKeys ?? []), envKey.trim()];
    let handle: EmulatorHandle;
    try {
        handle = await startEmulator({ warmWorker: 'eager', ...opts });
    } catch (e) {
        io.err(`Could not start the emulator: ${e instanceof Error ? e.message : String(e)}`);
        return 1;
    }
    io.out(`Vast emulator listening on ${handle.url}`);
    io.out(
        `Workers: ${handle.runtime.description}, ${handle.runtime.sandbox ? 'sandboxed (bubblewrap)' : 'NOT sandboxed'}`,
    );
    if (opts.allowPip) {
        io.out("pip packages: installed into each deployment's own virtual environment (--allow-pip)");
    }
    for (const n of handle.runtime.notices) io.err(n);
    for (const line of exportLines(handle)) io.out(line);
    io.out(`Admin token: ${handle.adminToken}`);
    await new Promise<void>((resolve) => {
        const done = (): void => {
            process.off('SIGINT', done);
            process.off('SIGTERM', done);
            resolve();
        };
        process.on('SIGINT', done);
        process.on('SIGTERM', done);
    });
    await handle.stop();
    return 0;
}
