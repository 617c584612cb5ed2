import { InvalidLetterDataError } from "../errors";
import { LETTER_FACTS_FILE, type Letter } from "../letter/parse-letter";
import { DEFAULT_TEMPLATE } from "../letter/schema";
import { TemplateEngine, type TemplateSet } from "./template-engine";

/**
 * Every template of a deployment, each compiled once into its own engine, keyed by the template's
 * name: a letter is filled by the engine of the template its letter.json names.
 */
export class TemplateLibrary {
  private readonly engines: ReadonlyMap<string, TemplateEngine>;

  constructor(sets: readonly TemplateSet[]) {
    this.engines = new Map(sets.map((set) => [set.name, new TemplateEngine(set)]));
  }

  /** The templates' names, sorted. */
  get names(): string[] {
    return [...this.engines.keys()].sort();
  }

  /** One template's engine by name; undefined when there is no such template. */
  get(name: string): TemplateEngine | undefined {
    return this.engines.get(name);
  }

  /**
   * The engine of the template a letter names. An unknown name is an error in the letter's data,
   * naming letter.json, the field and the templates there are.
   */
  forLetter(letter: Letter): TemplateEngine {
    const name = letter.facts.template;
    const engine = this.engines.get(name);
    if (engine) return engine;
    throw new InvalidLetterDataError([
      {
        file: `${letter.facts.id}/${LETTER_FACTS_FILE}`,
        path: "template",
        message: `no template "${name}"${name === DEFAULT_TEMPLATE ? " (the default when letter.json names none)" : ""}; expected one of the folders of templates/: ${this.names.map((known) => `"${known}"`).join(", ")}`,
      },
    ]);
  }
}
