/**
 * The style stage: stylesheets (user-agent, the render's own, the template's) parsed and cascaded
 * over the document into computed values in points, for layout to read. Pure: sources in, values out.
 */
export {
  marginBoxUrls,
  marginBoxUrlsOf,
  type MarginBoxUrl,
  parseStylesheets,
  StyleError,
  type StylesheetSource,
  type Origin,
  type ParsedStylesheets,
  type MarginBoxName,
} from "./stylesheet";
export { styleDocument, type StyledDocument, type PageStyle, type PageBox } from "./style-document";
export { borderWidthsOf, type ComputedStyle, type ContentPart, type Display, type SideWidths } from "./properties";
export { type LengthPercentage, resolveLength } from "./units";
