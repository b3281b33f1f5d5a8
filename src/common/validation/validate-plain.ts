import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

function flatten(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => [...Object.values(e.constraints ?? {}), ...flatten(e.children ?? [])]);
}

/**
 * Validates one plain object (a CSV row, a webhook item) with the same DTO rules as the API, returning
 * either the instance or readable reasons — so every door into the system applies one set of rules.
 */
export function validatePlain<T extends object>(
  cls: ClassConstructor<T>,
  plain: object,
): { value: T; errors: null } | { value: null; errors: string[] } {
  const value = plainToInstance(cls, plain);
  const errors = validateSync(value, { whitelist: true, forbidNonWhitelisted: true });
  return errors.length ? { value: null, errors: flatten(errors) } : { value, errors: null };
}
