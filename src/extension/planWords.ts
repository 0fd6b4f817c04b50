/**
 * The deploy dialog in plain words: what will happen (title), what changed as file names and fields (never hashes,
 * never `null`), the one note that applies, and a footnote saying once that the tier is inferred. vscode-free and
 * pure, so every wording is checked in test/unit/extension/planWords.test.ts.
 */
import type { DeployStep } from '../pipeline/run/deploy';
import type { Change, Plan } from '../shared/plan';

/** What was deployed last from this window, per file in the package, to name the files a code change touched. */
export type Manifest = Record<string, string>;

export interface PlanWordsInput {
    plan: Pick<Plan, 'tier' | 'changes' | 'notes'>;
    /** `name` or `name (tag)`. */
    label: string;
    /** "the local emulator" or "Vast.ai". */
    where: string;
    /** Package entries whose content differs from the last deploy (manifest keys); undefined when not known. */
    changedFiles?: string[];
    /** Deployments this file defined before and no longer does, still deployed (a rename). */
    renamedFrom?: { label: string; workers: number }[];
    /** Files in the package and the image, for a new deployment. */
    packageFiles: number;
    image: string;
    /** Machines and prices (see marketWords.planMachines): the warning goes first, the line after the changes. */
    machines?: { line: string; warning?: string };
    /** The environment variables the file read and their values, secrets masked (envReadLines). */
    environment?: string[];
}

export interface PlanWords {
    title: string;
    detail: string;
    /** The confirming button. */
    button: string;
    /** The second button when a rename left an old deployment running. */
    tearDownButton?: string;
}

const CONFIG_KEYS: Record<string, string> = {
    pip_installs: 'pip packages (Image.pip_install)',
    apt_gets: 'apt packages (Image.apt_get)',
    envs: 'environment variables (Image.env)',
    runs: 'build commands (Image.run)',
    name: 'deployment name in config.json',
};

const FIELD_NAMES: Record<string, string> = {
    image: 'Image',
    search_params: 'Machines',
    env: 'Docker options',
    storage: 'Disk',
    ttl: 'Idle time-out',
    version_label: 'Version label',
};

export const INFERRED_FOOTNOTE =
    '* What the service does for each kind of change is inferred from Vast.ai\u2019s documentation; the service decides.';

/** A value as a person reads it: no JSON quotes, no `null`. */
function show(field: string, v: unknown): string {
    if (v === null || v === undefined || v === '') return 'not set';
    if (field === 'storage' && typeof v === 'number') return `${v} GB`;
    if (field === 'ttl' && typeof v === 'number') return `${v} s`;
    return String(v);
}

function changeLine(c: Change): string {
    const name = FIELD_NAMES[c.field] ?? c.field;
    const unset = (v: unknown): boolean => v === null || v === undefined || v === '';
    if (unset(c.old)) return `${name}: ${show(c.field, c.new)} (was not set)`;
    if (unset(c.new)) return `${name}: removed (was ${show(c.field, c.old)})`;
    return `${name}: ${show(c.field, c.old)} \u2192 ${show(c.field, c.new)}`;
}

/** File names (and config.json's fields) a code change touched, for the "Code:" line. */
function codeLine(changedFiles: string[] | undefined): string {
    if (changedFiles === undefined) return 'Code: the package differs from the deployed one';
    const configKeys = changedFiles.filter((f) => f.startsWith('config.json#')).map((f) => f.slice(12));
    const files = changedFiles.filter((f) => !f.startsWith('config.json#'));
    const parts = [...files];
    if (configKeys.length > 0) {
        parts.push(`image settings: ${configKeys.map((k) => CONFIG_KEYS[k] ?? k).join(', ')}`);
    }
    if (parts.length === 0) return 'Code: the package differs from the deployed one';
    const shown = parts.slice(0, 6);
    const more = parts.length - shown.length;
    return `Code: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

function title(i: PlanWordsInput): { title: string; button: string } {
    const { label, where } = i;
    switch (i.plan.tier) {
        case 0:
            return {
                title: `"${label}" is already deployed as is on ${where}. Deploy anyway?`,
                button: 'Deploy Anyway',
            };
        case 1:
            return { title: `Update the autoscaling of ${label} on ${where}: workers keep running`, button: 'Update' };
        case 2:
            return { title: `Update the code of ${label} on ${where}: workers restart one by one`, button: 'Update' };
        case 3:
            return {
                title: `Replace the workers of ${label} on ${where}: new image or machines, workers start afresh`,
                button: 'Update',
            };
        default:
            return { title: `Create ${label} on ${where}: a new endpoint starts its workers`, button: 'Deploy' };
    }
}

export function planWords(i: PlanWordsInput): PlanWords {
    const { title: head, button } = title(i);
    const lines: string[] = [];
    if (i.machines?.warning) lines.push(i.machines.warning, '');
    const changes = i.plan.changes.filter((c) => c.field !== 'tag');
    if (i.plan.tier === 4) {
        lines.push(`New deployment: ${i.packageFiles} files packaged, image ${i.image}.`);
        for (const n of i.plan.notes) if (!/^No deployment named/.test(n)) lines.push(n);
    } else if (changes.length > 0) {
        lines.push('What changed:');
        for (const c of changes) {
            lines.push(`\u2022 ${c.field === 'file_hash' ? codeLine(i.changedFiles) : changeLine(c)}`);
        }
        const envChanged = i.changedFiles?.includes('config.json#envs') ?? false;
        for (const n of i.plan.notes) {
            // The Image.env() caveat only when env values are what changed; the rest apply as written.
            if (/^Image\.env\(\)/.test(n) && !envChanged) continue;
            if (/hard update has no action string/.test(n)) continue;
            lines.push(n.startsWith('Image.env()') ? `Note: ${n}` : n);
        }
    } else {
        lines.push('Nothing changed since the last deploy: the service keeps the deployment as it is.');
    }
    if (i.environment?.length) lines.push('', ...i.environment);
    if (i.machines) lines.push(i.machines.line);
    let tearDownButton: string | undefined;
    for (const r of i.renamedFrom ?? []) {
        lines.push(
            '',
            `"${r.label}" was deployed from this file and is no longer defined in it (renamed?). ` +
                `It keeps running and billing${r.workers > 0 ? ` (${r.workers} worker${r.workers === 1 ? '' : 's'})` : ''} after this deploy.`,
        );
        tearDownButton ??= `${button} and Tear Down ${r.label}`;
    }
    lines.push('', INFERRED_FOOTNOTE);
    return { title: head, detail: lines.join('\n'), button, tearDownButton };
}

/** Manifest keys whose value differs between two deploys (added and removed included), in a stable order. */
export function changedEntries(before: Manifest, after: Manifest): string[] {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].filter((k) => before[k] !== after[k]).sort();
}

export const STEP_LABELS: Record<DeployStep, string> = {
    package: 'Packaging',
    register: 'Registering',
    upload: 'Uploading',
    'update-workers': 'Updating workers',
    wait: 'Waiting for a ready worker',
};
/** "Packaging: packaging app.py" says the step twice: the step's own message alone when it already names it. */
export function stepText(step: DeployStep, message: string): string {
    const label = STEP_LABELS[step];
    if (!message) return label;
    const words = message.replace(
        /\((created|soft_update|autoscale_update|exists)\)/,
        (_, a: string) => `(${ACTION_NOUNS[a]})`,
    );
    return words.toLowerCase().startsWith(label.toLowerCase()) ? words : `${label}: ${words}`;
}

const ACTION_NOUNS: Record<string, string> = {
    created: 'new',
    soft_update: 'code update',
    autoscale_update: 'autoscaling update',
    exists: 'unchanged',
};

/** The service's `action`, in words, for the message after a deploy. */
export const ACTION_WORDS: Record<string, string> = {
    created: 'Created',
    soft_update: 'Updated the code of',
    autoscale_update: 'Updated the autoscaling of',
    exists: 'Redeployed (unchanged)',
};
