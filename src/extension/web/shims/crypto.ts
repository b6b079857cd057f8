/** `crypto.randomBytes` for the web build (the panel's nonce), from the Web Crypto API. */
export function randomBytes(size: number): { toString(encoding: 'base64'): string } {
  const bytes = new Uint8Array(size);
  globalThis.crypto.getRandomValues(bytes);
  return {
    toString(encoding: string) {
      if (encoding !== 'base64') throw new Error(`randomBytes shim: ${encoding} is not supported`);
      let s = '';
      for (const b of bytes) s += String.fromCharCode(b);
      return btoa(s);
    },
  };
}

export default { randomBytes };
