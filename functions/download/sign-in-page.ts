import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { LetterpressError } from "../core/errors";
import { escapeHtml, LETTER_CONTROLS_SCRIPT, LETTERS_PAGE_STYLE, sha256Source } from "./letters-page";

/** Where people sign in: the user pool's hosted UI and the public app client the page asks tokens for. */
export interface SignInSettings {
  /** The hosted UI's base URL, `https://<prefix>.auth.<region>.amazoncognito.com` (no path). */
  hostedUiUrl: string;
  clientId: string;
}

/**
 * Where the browser keeps its token: this tab only (sessionStorage), gone when the tab closes, and
 * never in a cookie the API would have to trust. The token lives signInTokenMinutes (60 at most).
 */
const TOKEN_KEY = "letterpress.token";

/**
 * The sign-in page's script: the OAuth 2.0 authorization code flow with PKCE (RFC 7636, S256) against
 * the hosted UI, then the letters page (`GET /`) fetched with the token and shown here, its controls
 * sending the token too. Three states, by what the tab holds:
 * - a `code` in the URL (back from the hosted UI): check `state`, exchange code + verifier for tokens;
 * - a token that has not expired: show the letters;
 * - nothing: make a verifier and state, and go to the hosted UI.
 * A 401 (token expired or revoked) forgets the token and signs in again.
 */
const SIGN_IN_SCRIPT = `(async () => {
  const main = document.querySelector("main");
  const status = document.getElementById("status");
  const hostedUi = main.getAttribute("data-hosted-ui");
  const clientId = main.getAttribute("data-client-id");
  const redirectUri = location.origin + location.pathname;
  const base64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  const random = () => base64url(crypto.getRandomValues(new Uint8Array(32)));
  const say = (text) => { status.textContent = text; };

  async function signIn() {
    const verifier = random();
    const state = random();
    sessionStorage.setItem("letterpress.pkce", JSON.stringify({ verifier, state }));
    const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
    const url = new URL("/oauth2/authorize", hostedUi);
    for (const [name, value] of Object.entries({ response_type: "code", client_id: clientId, redirect_uri: redirectUri, scope: "openid email", state, code_challenge: challenge, code_challenge_method: "S256" }))
      url.searchParams.set(name, value);
    location.assign(url.toString());
  }

  async function exchange(params) {
    const pending = JSON.parse(sessionStorage.getItem("letterpress.pkce") || "null");
    sessionStorage.removeItem("letterpress.pkce");
    history.replaceState(null, "", redirectUri);
    if (!pending || pending.state !== params.get("state")) throw new Error("the sign-in answer does not match this tab's request; please sign in again");
    const reply = await fetch(new URL("/oauth2/token", hostedUi), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", client_id: clientId, code: params.get("code"), redirect_uri: redirectUri, code_verifier: pending.verifier }),
    });
    const tokens = await reply.json().catch(() => ({}));
    if (!reply.ok || typeof tokens.access_token !== "string") throw new Error("the sign-in service refused the code (" + (tokens.error || reply.status) + ")");
    sessionStorage.setItem("${TOKEN_KEY}", JSON.stringify({ token: tokens.access_token, expiresAt: Date.now() + 1000 * Number(tokens.expires_in || 0) }));
  }

  async function showLetters(token) {
    say("Loading the letters...");
    const reply = await fetch(new URL("./", location.href), { headers: { authorization: "Bearer " + token, accept: "text/html" }, credentials: "same-origin" });
    if (reply.status === 401) {
      sessionStorage.removeItem("${TOKEN_KEY}");
      return signIn();
    }
    if (!reply.ok) throw new Error("the letters could not be listed (" + reply.status + ")");
    const page = new DOMParser().parseFromString(await reply.text(), "text/html");
    const letters = document.adoptNode(page.querySelector("main"));
    main.replaceChildren(...letters.childNodes);
    wireLetterControls(main, "Bearer " + token);
    document.getElementById("sign-out").hidden = false;
  }

  document.getElementById("sign-out").addEventListener("click", () => {
    sessionStorage.removeItem("${TOKEN_KEY}");
    const url = new URL("/logout", hostedUi);
    url.searchParams.set("client_id", clientId);
    url.searchParams.set("logout_uri", redirectUri);
    location.assign(url.toString());
  });

  try {
    const params = new URLSearchParams(location.search);
    if (params.has("error")) throw new Error("the sign-in service answered: " + params.get("error"));
    if (params.has("code")) await exchange(params);
    const held = JSON.parse(sessionStorage.getItem("${TOKEN_KEY}") || "null");
    if (held && held.expiresAt > Date.now() + 30000) await showLetters(held.token);
    else {
      say("Taking you to the sign-in page...");
      await signIn();
    }
  } catch (error) {
    say("Signing in did not work: " + error.message + ". Reload this page to try again.");
  }
})();`;

const PAGE_SCRIPT = `${LETTER_CONTROLS_SCRIPT}
${SIGN_IN_SCRIPT}`;

function originOf(hostedUiUrl: string): string {
  let url: URL;
  try {
    url = new URL(hostedUiUrl);
  } catch {
    throw new LetterpressError("CONFIG_ERROR", `sign-in: hosted UI URL: not a URL: ${JSON.stringify(hostedUiUrl)}`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && ["127.0.0.1", "localhost"].includes(url.hostname)))
    throw new LetterpressError("CONFIG_ERROR", `sign-in: hosted UI URL: expected https://, got ${url.protocol}`);
  return url.origin;
}

/**
 * The sign-in page's CSP: its one script and the letters page's style, by hash; fetch reaches this API
 * (the letters, the download and share routes) and the hosted UI's token endpoint only; nothing else
 * loads, no form posts elsewhere, no framing, no base rewriting.
 */
export function signInPageCsp(settings: SignInSettings): string {
  return [
    "default-src 'none'",
    `script-src ${sha256Source(PAGE_SCRIPT)}`,
    `style-src ${sha256Source(LETTERS_PAGE_STYLE)}`,
    `connect-src 'self' ${originOf(settings.hostedUiUrl)}`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The sign-in page: no data, only where to sign in (escaped into attributes) and the script. */
export function signInPage(settings: SignInSettings): string {
  const hostedUi = originOf(settings.hostedUiUrl);
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>letterpress: sign in</title><style>${LETTERS_PAGE_STYLE}</style></head>
<body><main data-hosted-ui="${escapeHtml(hostedUi)}" data-client-id="${escapeHtml(settings.clientId)}"><h1>Letters</h1><p id="status" role="status">Signing you in...</p><noscript><p>Signing in needs JavaScript.</p></noscript></main>
<footer><button type="button" id="sign-out" hidden>Sign out</button></footer><script>${PAGE_SCRIPT}</script></body></html>`;
}

/** `GET /signin`: the same bytes for everyone (no data, no token), never cached by a shared cache, never framed. */
export function signInPageResponse(settings: SignInSettings): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 200,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": signInPageCsp(settings),
      "x-content-type-options": "nosniff",
      // The URL carries the one-time code on the way back from the hosted UI: no other site may learn it.
      "referrer-policy": "no-referrer",
    },
    body: signInPage(settings),
  };
}
