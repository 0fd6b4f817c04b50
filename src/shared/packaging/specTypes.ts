/** Types spec.ts and the evaluators below it share (here so they need not import spec.ts). */
import type { Range } from '../model';

/** A reason the deployment cannot be packaged. `sdk` marks the SDK's own refusals (exact texts). */
export interface SpecError {
    message: string;
    range: Range;
    sdk: boolean;
}

export type ScalarValue = string | number | boolean | null;

/** One `image.copy(src, dst)`: `src` as written (resolved against the .py file's directory by the pipeline). */
export interface CopySpec {
    src: string;
    dst: string;
    range: Range;
}
