/**
 * The parts of css-tree the style stage uses: its parser, generator and walker, each built from its
 * own configuration (css-tree's `css-tree/parser`, `/generator` and `/walker` entry points), without
 * the lexer that `require("css-tree")` builds when it loads: the mdn-data syntax tables (about 300 KB
 * of the render bundle) compiled into value matchers that nothing here asks for. Less code to compile
 * and run at a cold start; the same trees (test/core/style/css-tree-parts.test.ts).
 */
import type * as CssTree from "css-tree";

export type { Atrule, AtrulePrelude, Block, CssLocation, CssNode, List, MediaQuery, Raw, Rule, Selector, StyleSheet, Value } from "css-tree";

// `require`, not `import`: a bundler then takes css-tree's CommonJS build, whose data files are
// static requires; its ES build finds them through import.meta.url, which a CommonJS Lambda bundle lacks.
export const parse = require("css-tree/parser") as typeof CssTree.parse;
export const generate = require("css-tree/generator") as typeof CssTree.generate;
export const walk = require("css-tree/walker") as typeof CssTree.walk & { find: typeof CssTree.find };
export const find = walk.find;
/** css-tree's tokenizer (CSS Syntax 3 tokens with their offsets): which blocks a sheet leaves open, for its syntax errors. */
export const tokenize = (require("css-tree/tokenizer") as typeof CssTree).tokenize;
