// Bundled in place of @noble/ciphers/aes (LAMBDA_BUNDLE's alias). pdfkit requires it only to encrypt
// a PDF, which PDF/A forbids and letterpress never asks for; the real module builds its AES tables
// when it is loaded, at every cold start.
function refuse() {
  throw new Error("letterpress bundles no AES: a PDF/A document is never encrypted");
}
exports.cbc = refuse;
exports.ecb = refuse;
