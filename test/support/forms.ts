/**
 * What a Camunda form (form-js, Tasklist) would submit: the implementation lives in
 * `src/forms/submission.ts`, because `pingpin demo` completes user tasks the same way at run time;
 * process tests import it from here as before.
 */
export * from '../../src/forms/submission.js';
