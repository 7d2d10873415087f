import type { ComponentProps } from 'preact';

type FieldProps = ComponentProps<'input'> & { id: string; label: string; hint?: string };

/** An input with its visible label (and hint, read with it). */
export function Field({ id, label, hint, ...input }: FieldProps) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} {...(hint && { 'aria-describedby': `${id}-hint` })} {...input} />
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
    </div>
  );
}

/** A text field's value from a submitted form ('' when absent). */
export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}
