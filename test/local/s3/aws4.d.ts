/** The part of aws4 (an independent SigV4 signer, used only to test our verifier) that the tests call. */
declare module "aws4" {
  interface SignableRequest {
    host?: string;
    path?: string;
    method?: string;
    service?: string;
    region?: string;
    headers?: Record<string, string | number>;
    body?: string | Buffer;
    signQuery?: boolean;
  }
  interface Credentials {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
  }
  function sign<T extends SignableRequest>(request: T, credentials?: Credentials): T & { headers: Record<string, string>; path: string };
  const aws4: { sign: typeof sign };
  export default aws4;
}
