import { FAMILIES, FAMILY_IDS } from "../../../functions/core/pdf/font-library";
import { registryFamilyOf } from "../../../functions/core/style/font-families";

/** registryFamilyOf keeps each name as written with its answer (font-families.ts): the answer must be the table's, however often asked. */
describe("the registry family of a font-family name", () => {
  test("is found in any case, the same on every asking", () => {
    for (const id of FAMILY_IDS) {
      const name = FAMILIES[id].name;
      for (const written of [name, name.toUpperCase(), name.toLowerCase(), name, name.toUpperCase()]) expect(registryFamilyOf(written)).toBe(id);
    }
    for (const written of ["Serif", "SANS-SERIF", "Noto Sans CJK JP", "noto sans cjk kr"]) expect(registryFamilyOf(written)).toBeDefined();
  });

  test("is none for a name the registry lacks, asked again or not, and for an object's own property names", () => {
    for (const written of ["Helvetica", "Helvetica", "constructor", "__proto__", "toString", "hasOwnProperty"]) expect(registryFamilyOf(written)).toBeUndefined();
  });

  test("stays right past the bound on names kept", () => {
    for (let i = 0; i < 3000; i++) expect(registryFamilyOf(`Family ${i}`)).toBeUndefined();
    expect(registryFamilyOf(FAMILIES[FAMILY_IDS[0]!].name)).toBe(FAMILY_IDS[0]);
  });
});
