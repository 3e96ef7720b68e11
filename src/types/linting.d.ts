// @camunda/form-linting ships no type declarations; this is the part scripts/model-lint.ts uses.
declare module '@camunda/form-linting' {
  export interface FormLintReport {
    /** The component's id. */
    id?: string;
    label?: string;
    message: string;
    category: 'error' | 'warn' | 'info';
  }
  export class FormLinter {
    /** Lints a form schema (object or JSON text) for the execution platform it declares; [] when it declares none it knows. */
    lint(schema: unknown): FormLintReport[];
  }
}
