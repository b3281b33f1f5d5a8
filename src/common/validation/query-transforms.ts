/** `@Transform` functions for query strings and env values, which arrive as text. */
type TransformInput = { value: unknown };

/** '' means absent. */
export const emptyToUndefined = ({ value }: TransformInput) => (value === '' ? undefined : value);

/** '' means absent; anything else must read as a number (else NaN fails `@IsInt`). */
export const toNumber = ({ value }: TransformInput) => (value === '' || value === undefined || value === null ? undefined : Number(value));
