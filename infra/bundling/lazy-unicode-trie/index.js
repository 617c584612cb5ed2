// Bundled in place of unicode-trie (LAMBDA_BUNDLE's alias): the same tries, each inflated on its first
// lookup instead of when the module that holds it loads. fontkit builds three at load (the data of its
// Arabic, Indic and Universal shapers) and unicode-properties one, and letterpress shapes with
// HarfBuzz: a cold start inflated them all (tiny-inflate) for lookups that mostly never come.

// The real module by its file: the alias maps "unicode-trie" and its subpaths to this folder.
const UnicodeTrie = require("../../../node_modules/unicode-trie/index.js");

/** How many tries have been inflated in this process (read by test/infra/bundle-builds.test.ts). */
let inflated = 0;

class LazyUnicodeTrie {
  constructor(data) {
    this.data = data;
  }

  get(codePoint) {
    const trie = new UnicodeTrie(this.data);
    inflated++;
    this.data = undefined;
    // Later lookups go straight to the inflated trie.
    this.get = (point) => trie.get(point);
    return trie.get(codePoint);
  }

  static get inflated() {
    return inflated;
  }
}

module.exports = LazyUnicodeTrie;
