/**
 * Protection of resident ID numbers (公民身份号码) in the registry.
 *
 * An ID number is never stored in clear. Each one is stored three ways:
 * - `*_id_hash`: HMAC-SHA256 under a secret key, hex — for exact lookups (bans, certificates of a
 *   holder, duplicate applications). Keyed, because ID numbers have so little entropy (region,
 *   birth date, 3-digit sequence, check digit) that a plain hash is reversed by enumeration;
 * - `*_id_masked`: the first 4 and last 4 characters (`4401**********123X`) — what every public
 *   read returns; it hides the birth date and the sequence;
 * - `*_id_enc`: AES-256-GCM ciphertext (random 96-bit IV, 128-bit tag) — only for the privileged
 *   reads (`getWithIdNumber`), used by the worker that issues certificates and reports them to the
 *   national query system; each such read is written to the audit trail.
 *
 * The two keys are derived (HKDF-SHA256) from one 32-byte master secret, which lives outside the
 * database: `openRegistry({secret})`, or else the file `DATA_DIR/registry.key` (created with mode
 * 0600 on first start). A fingerprint of the key is kept in the database, so a database opened
 * with another key is refused instead of silently finding no bans. Back the key up with the
 * database: without it the clear ID numbers and the hash lookups are lost.
 *
 * The same key encrypts the names, contacts and texts of public submissions (objections, fraud
 * reports) that the intake keeps (repos/intake.ts); their masked forms come from
 * src/domain/personal-data.ts.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ProtectedId {
  hash: string;
  masked: string;
  encrypted: string;
}

export function maskIdNumber(idNumber: string): string {
  return `${idNumber.slice(0, 4)}${'*'.repeat(Math.max(0, idNumber.length - 8))}${idNumber.slice(-4)}`;
}

export class PersonalData {
  private readonly encKey: Buffer;
  private readonly macKey: Buffer;

  constructor(master: Buffer) {
    if (master.length !== 32) throw new Error(`the registry secret must be 32 bytes (got ${master.length})`);
    this.encKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'pingpin-registry/enc/v1', 32));
    this.macKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'pingpin-registry/mac/v1', 32));
  }

  /** Identifies the key without revealing it (stored in the database, compared at open). */
  fingerprint(): string {
    return createHmac('sha256', this.macKey).update('pingpin-registry/key-check').digest('hex').slice(0, 16);
  }

  hash(idNumber: string): string {
    return createHmac('sha256', this.macKey).update(idNumber).digest('hex');
  }

  encrypt(clear: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const body = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
    return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  decrypt(stored: string): string {
    if (!stored.startsWith('v1:')) throw new Error('unknown personal-data ciphertext format');
    const raw = Buffer.from(stored.slice(3), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  protect(idNumber: string): ProtectedId {
    return { hash: this.hash(idNumber), masked: maskIdNumber(idNumber), encrypted: this.encrypt(idNumber) };
  }
}

/** Decodes a secret given as 32 raw bytes, 64 hex characters or base64 of 32 bytes. */
export function decodeSecret(secret: string | Buffer): Buffer {
  if (Buffer.isBuffer(secret)) return secret;
  const s = secret.trim();
  if (/^[0-9a-fA-F]{64}$/.test(s)) return Buffer.from(s, 'hex');
  const b = Buffer.from(s, 'base64');
  if (b.length === 32) return b;
  throw new Error('the registry secret must be 32 bytes, given as 64 hex characters or base64');
}

/** Reads DATA_DIR/registry.key, creating it (mode 0600) with a random secret when absent. */
export function loadOrCreateKeyFile(path: string): Buffer {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    // Written aside and linked into place, so a process starting at the same moment never reads a
    // half-written file; when another process linked first, its key wins.
    const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(temp, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    try {
      linkSync(temp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkSync(temp);
    }
  }
  try {
    return decodeSecret(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
}
