/**
 * V8 flags of a render process: the render Lambda's NODE_OPTIONS, and the bench's render processes,
 * so the bench measures what deploys. A young generation of at most 4 MB per semi-space (V8's
 * default grows to 16 MB) keeps a warm Chinese render worker at about 135 MB instead of about 158 MB
 * peak RSS, with no measurable change in render time (bench, 2026-11-29): a render's garbage is
 * small and short-lived, so smaller, more frequent scavenges cost nothing here.
 */
export const RENDER_NODE_OPTIONS = "--max-semi-space-size=4";
