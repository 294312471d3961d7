// ajv-formats-draft2019 ships no typings; this is the one function it exports (index.js).
declare module 'ajv-formats-draft2019' {
  import type Ajv from 'ajv';

  function addDraft2019Formats(ajv: Ajv, options?: { formats?: string[] }): Ajv;
  export = addDraft2019Formats;
}
