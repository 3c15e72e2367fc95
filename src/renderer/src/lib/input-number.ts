// A number field's value as the forms read it: blank is NaN (the schema reports it as missing) or, for
// optional fields, null (use the default).
const text = (e: Event): string => (e.currentTarget as HTMLInputElement).value.trim();

export const inputNumber = (e: Event): number => (text(e) === '' ? Number.NaN : Number(text(e)));

export const inputOptionalNumber = (e: Event): number | null => (text(e) === '' ? null : Number(text(e)));
