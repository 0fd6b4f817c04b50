/**
 * The environment a deploy evaluates `os.environ[...]` / `os.getenv(...)` against, as the SDK would see it on the
 * user's machine: the process environment plus, optionally, a `.env` file (read bounded, never executed). The file's
 * values win over the process's: naming the file is the more specific choice.
 */
import { MAX_ENV_FILE_BYTES, parseEnvFile } from '../../shared/envFile';
import { readRegularFile, SourceFileError } from './sourceFile';

export interface DeployEnvironment {
    env: Record<string, string | undefined>;
    /** Why the .env file could not be used (one line per problem, naming the file); empty when it was read whole. */
    problems: string[];
}

/** `base` (the process environment) overlaid with the variables of `envFile` (absolute path), if given. */
export function deployEnvironment(
    base: Readonly<Record<string, string | undefined>>,
    envFile?: string,
    label = envFile,
): DeployEnvironment {
    const env: Record<string, string | undefined> = { ...base };
    if (!envFile) return { env, problems: [] };
    let text: string;
    try {
        const bytes = readRegularFile(envFile, MAX_ENV_FILE_BYTES, `${MAX_ENV_FILE_BYTES / 1024} KB`);
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (err) {
        if (err instanceof SourceFileError) return { env, problems: [err.message.replace(envFile, label!)] };
        if (err instanceof TypeError) return { env, problems: [`${label}: not UTF-8 text`] };
        throw err;
    }
    const parsed = parseEnvFile(text);
    Object.assign(env, parsed.vars);
    return { env, problems: parsed.problems.map((p) => `${label}:${p.line}: ${p.message}`) };
}
