/**
 * The file of templates prepared at bundling time, beside the render bundle's index.js
 * (functions/core/template/prepared-templates.ts; written by infra/bundling/prepare-templates.ts).
 * Its own light module: infra names it without loading the template engine.
 */
export const PREPARED_TEMPLATES_FILE = "prepared-templates.js";
