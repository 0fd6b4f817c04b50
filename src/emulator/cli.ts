/**
 * `vast-deployments emulator [--port P] [--api-key K]... [--state DIR] [--python PATH] [--allow-scripts]
 * [--max-workers N]`: runs the emulator in the foreground until SIGINT/SIGTERM.
 */
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from './server';

export const EMULATOR_USAGE = `Usage: vast-deployments emulator [options]

Runs a local Vast emulator (console + autoscaler API, local Python workers) on 127.0.0.1.

Options:
  --port P          port to listen on (default: a free one)
  --api-key K       accept this API key (repeatable); without one, a key is generated and printed
  --state DIR       keep deployments and uploads in DIR across restarts
  --python PATH     Python interpreter for workers (default: python3)
  --allow-scripts   run the deployments' run_script/run_cmd steps on workers (default: skipped)
  --max-workers N   at most N workers per deployment (default: 2)
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
            case '--state':
                o.stateDir = value();
                break;
            case '--python':
                o.python = value();
                break;
            case '--allow-scripts':
                o.allowScripts = true;
                break;
            case '--max-workers': {
                const n = Number(value());
                if (!Number.isInteger(n) || n < 0) throw new UsageError('--max-workers must be an integer >= 0');
                o.maxWorkers = n;
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
    let handle: EmulatorHandle;
    try {
        handle = await startEmulator(opts);
    } catch (e) {
        io.err(`Could not start the emulator: ${e instanceof Error ? e.message : String(e)}`);
        return 1;
    }
    io.out(`Vast emulator listening on ${handle.url}`);
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
