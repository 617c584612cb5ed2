import type { Paper } from "../functions/core/html/render-html";
import type { DocumentRenderer } from "../functions/core/render-document";
import { TemplateEngine } from "../functions/core/template/template-engine";
import { loadTemplateSet } from "../functions/templates/load-template-set";
import { LetterpressError } from "../functions/core/errors";

export interface LocalRendererOptions {
  templatesDir: string;
  paper: Paper;
}

/** The renderer the CLI and the local server use: templates from disk, fonts from node_modules. */
export async function createLocalRenderer(options: LocalRendererOptions): Promise<DocumentRenderer> {
  const engine = new TemplateEngine(await loadTemplateSet(options.templatesDir));
  return {
    engine,
    paper: options.paper,
    pdf: async () => {
      throw new LetterpressError("RENDER_ERROR", "the PDF edition is not wired in yet");
    },
  };
}
