import type { DefaultTreeAdapterTypes } from "parse5";

/**
 * A filled template as pieces: its tags and the text between them. Letters of one shape (a mail
 * merge: the same markup, other words) have the same tags, so what one letter's parse taught can
 * serve another whose changed texts are each a whole text node of plain text. The PDF's letter
 * shapes (pdf/render-pdf.ts), the HTML edition's font usage (html/render-html.ts) and the
 * hyphenation shape (text/hyphenate.ts) all cut and compare letters here.
 */

type Element = DefaultTreeAdapterTypes.Element;
type TextNode = DefaultTreeAdapterTypes.TextNode;

/** What the filled template is parsed inside, before it: source offsets of the parsed letter are this much past the fragment's. */
export const LETTER_PAGE_START = "<!DOCTYPE html><html><head></head><body><main>";

/** A filled template cut at its tags: `parts` alternate text and tag (tags at odd indices), `texts` are its text pieces, `skeleton` its tags joined. */
export interface MarkupPieces {
  parts: string[];
  texts: string[];
  /** The markup without its text: each tag ends at its only ">", so the tags joined stand for the markup unambiguously. */
  skeleton: string;
}

/** A tag (or comment) of the markup, or the text between two tags: `split` keeps the tags at odd indices. */
const TAG = /(<[^>]*>)/;

/** The filled template cut at its tags (`MarkupPieces`): letters of one shape (a mail merge) have the same skeleton. */
export function markupPieces(fragment: string): MarkupPieces {
  const parts = fragment.split(TAG);
  return { parts, texts: parts.filter((_, i) => i % 2 === 0), skeleton: parts.filter((_, i) => i % 2 === 1).join("") };
}

/**
 * Text that parses the same wherever another such text stood: something other than white space (so
 * a table's text is moved out of it alike, and `:empty` matches alike), nothing that starts markup or
 * a character reference, no white space but single inner spaces (nothing to collapse or trim), no
 * NUL. A text node of it has exactly its characters as value. (Soft hyphens are letters here.)
 */
export const PLAIN_TEXT = /^[^\s&<>\u0000]+(?: [^\s&<>\u0000]+)*$/u;

/**
 * The text nodes each made of exactly one text piece of plain text, by piece index (in `texts`),
 * in a tree parsed with source locations from the fragment inside LETTER_PAGE_START: the node's
 * source range is the piece's (so no other text joined it) and its value is the piece as written.
 * A piece with no node of its own (one a table's text moved, or that joined another) is not in it.
 */
export function textNodesOfPieces(root: Element, parts: readonly string[]): Map<number, TextNode> {
  const pieceAt = new Map<number, { index: number; end: number }>();
  let offset = LETTER_PAGE_START.length;
  parts.forEach((part, i) => {
    if (i % 2 === 0 && PLAIN_TEXT.test(part)) pieceAt.set(offset, { index: i / 2, end: offset + part.length });
    offset += part.length;
  });
  const out = new Map<number, TextNode>();
  const visit = (element: Element) => {
    for (const child of element.childNodes) {
      if ("tagName" in child) visit(child);
      else if (child.nodeName === "#text") {
        const text = child as TextNode;
        const location = text.sourceCodeLocation;
        const piece = location ? pieceAt.get(location.startOffset) : undefined;
        if (piece && location && piece.end === location.endOffset && text.value === parts[piece.index * 2]) out.set(piece.index, text);
      }
    }
  };
  visit(root);
  return out;
}

/**
 * The changed text pieces of a letter of a kept shape (same skeleton), each as what stands for it
 * in the kept letter (`replaceable`: its text node, its font run) with the new text; null when a
 * changed piece is not plain text (PLAIN_TEXT) or stands for nothing replaceable, so the letter must
 * be parsed anew. Unchanged pieces are not asked about. An empty map: the letter is the kept one's.
 *
 * @param texts this letter's text pieces (`markupPieces`)
 * @param kept the kept letter's text pieces, as many (same skeleton)
 * @param replaceable what a changed piece replaces, by piece index and new text; undefined when nothing may
 */
export function changedPlainPieces<T>(texts: readonly string[], kept: readonly string[], replaceable: (piece: number, text: string) => T | undefined): Map<T, string> | null {
  const changed = new Map<T, string>();
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]!;
    if (text === kept[i]) continue;
    const target = PLAIN_TEXT.test(text) ? replaceable(i, text) : undefined;
    if (target === undefined) return null;
    changed.set(target, text);
  }
  return changed;
}
