import type { Options } from "css-select";
import type { DefaultTreeAdapterTypes } from "parse5";

/**
 * css-select over parse5's default tree, which the PDF already builds. A dozen lines of adapter
 * instead of parse5-htmlparser2-tree-adapter: that adapter would make the whole document a second
 * kind of tree (domhandler nodes) for the layout to read, where this one matches the tree as it is.
 */

export type Element = DefaultTreeAdapterTypes.Element;
type Node = DefaultTreeAdapterTypes.Node;
type ParentNode = DefaultTreeAdapterTypes.ParentNode;

function isElement(node: Node): node is Element {
  return "tagName" in node;
}

function childrenOf(node: Node): Node[] {
  return "childNodes" in node ? (node as ParentNode).childNodes : [];
}

function textOf(node: Node): string {
  if (node.nodeName === "#text") return (node as DefaultTreeAdapterTypes.TextNode).value;
  return childrenOf(node).map(textOf).join("");
}

type Adapter = NonNullable<Options<Node, Element>["adapter"]>;

export const PARSE5_ADAPTER: Adapter = {
  isTag: isElement,
  getAttributeValue: (element, name) => element.attrs.find((a) => a.name === name)?.value,
  hasAttrib: (element, name) => element.attrs.some((a) => a.name === name),
  getChildren: childrenOf,
  getName: (element) => element.tagName,
  getParent: (element) => ("parentNode" in element ? (element.parentNode as Node | null) : null),
  getSiblings: (node) => {
    const parent = "parentNode" in node ? (node.parentNode as Node | null) : null;
    return parent ? childrenOf(parent) : [node];
  },
  prevElementSibling: (node) => {
    const parent = "parentNode" in node ? (node.parentNode as Node | null) : null;
    if (!parent) return null;
    const siblings = childrenOf(parent);
    for (let i = siblings.indexOf(node) - 1; i >= 0; i--) {
      const sibling = siblings[i]!;
      if (isElement(sibling)) return sibling;
    }
    return null;
  },
  getText: textOf,
  removeSubsets: (nodes) => nodes.filter((node, i) => nodes.indexOf(node) === i && !nodes.some((other) => other !== node && contains(other, node))),
};

function parentOf(node: Node): Node | null {
  return "parentNode" in node ? ((node.parentNode as Node | null) ?? null) : null;
}

function contains(ancestor: Node, node: Node): boolean {
  for (let current = parentOf(node); current; current = parentOf(current)) {
    if (current === ancestor) return true;
  }
  return false;
}
