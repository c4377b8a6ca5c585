/** KV layout of the regKey vault (docs/storage.md): one entry per token id. */
export const vaultKey = (tid: string): string => `regkey:${tid}`;

/** Non-secret facts kept as KV metadata (listable without decrypting anything). */
export interface VaultMetadata {
  kid: string;
  createdAt: number;
}
