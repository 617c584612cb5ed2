import { relativeToHere } from "./shown-path";
import { randomUUID } from "node:crypto";
import { access, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

const stillHolds = (dataDir: string, letterId: string) =>
  access(join(dataDir, letterId)).then(
    () => true,
    () => false,
  );

interface Origin {
  dataDir: string;
  revision: string;
}

const isOrigin = (value: unknown): value is Origin =>
  typeof value === "object" && value !== null && typeof (value as Origin).dataDir === "string" && typeof (value as Origin).revision === "string";

/**
 * Which data folder last published each letter into this machine's embedded S3 (`.local/`). A letter
 * is known by its id alone, so a scratch copy of it in another `--data` folder publishes over the
 * same keys and `latest.json`, and serve's links then lead to the copy. That is said, never silent;
 * it is not refused, since trying a change in a copy is a normal thing to do, and publishing from the
 * first folder again brings it back.
 */
export class PublishOrigins {
  constructor(private readonly file: string) {}

  /**
   * Records that `dataDir` published `revision` of `letterId`, and returns the warning to print when
   * another folder published another revision of it before; undefined when it is the same folder, the
   * same revision (the same bytes: nothing is taken over), or the first publish.
   */
  async published(letterId: string, dataDir: string, revision: string): Promise<string | undefined> {
    const origins = await this.read();
    const before = origins.get(letterId);
    if (before?.dataDir === dataDir && before.revision === revision) return undefined;
    origins.set(letterId, { dataDir, revision });
    await this.write(origins);
    if (before === undefined || before.dataDir === dataDir || before.revision === revision) return undefined;
    // A copy since deleted (a scratch folder removed, a test's temporary data) has nothing left to take back.
    if (!(await stillHolds(before.dataDir, letterId))) return undefined;
    return (
      `letter ${letterId}: published from ${relativeToHere(dataDir)}, over what ${relativeToHere(before.dataDir)} published before under the same id: ` +
      `the links serve hands out for ${letterId} now lead to this copy (publish from ${relativeToHere(before.dataDir)} again to bring it back, or give the copy its own id)`
    );
  }

  private async read(): Promise<Map<string, Origin>> {
    const text = await readFile(this.file, "utf8").catch(() => undefined);
    if (text === undefined) return new Map();
    try {
      const parsed: unknown = JSON.parse(text);
      // A Map, not an object: letter ids are user data, and "constructor" is a valid id.
      return new Map(Object.entries(parsed as Record<string, unknown>).filter((entry): entry is [string, Origin] => isOrigin(entry[1])));
    } catch {
      // A damaged record only loses the warning of one publish: it is written anew.
      return new Map();
    }
  }

  private async write(origins: Map<string, Origin>): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    // Written aside, then renamed: a reader never sees half a file (two processes at once may lose one record, never corrupt it).
    const aside = `${this.file}.${randomUUID()}`;
    await writeFile(aside, `${JSON.stringify(Object.fromEntries(origins), null, 2)}\n`);
    await rename(aside, this.file);
  }
}
