// Test-time certificates: a private CA and leaf certificates signed by it (valid for
// 127.0.0.1/localhost, expired, wrong host, expiring soon) plus one from an untrusted CA.
// Keys come from Node's native RSA generator; node-forge builds and signs the X.509 bits.
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

export interface Pem {
  cert: string;
  key: string;
}

export interface LeafOptions {
  hosts?: string[];
  /** Days relative to now; negative is in the past. */
  notBeforeDays?: number;
  notAfterDays?: number;
  commonName?: string;
}

const DAY = 86_400_000;
let serial = 1;

function keyPair(): { pub: forge.pki.PublicKey; priv: forge.pki.rsa.PrivateKey; pem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const priv = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  const pub = forge.pki.setRsaPublicKey(priv.n, priv.e);
  return { pub, priv, pem };
}

function baseCert(pub: forge.pki.PublicKey, cn: string, fromDays: number, toDays: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = pub;
  cert.serialNumber = (0x1000 + serial++).toString(16);
  cert.validity.notBefore = new Date(Date.now() + fromDays * DAY);
  cert.validity.notAfter = new Date(Date.now() + toDays * DAY);
  cert.setSubject([{ name: 'commonName', value: cn }, { name: 'organizationName', value: 'golive tests' }]);
  return cert;
}

export interface TestCa extends Pem {
  issue(opts?: LeafOptions): Pem;
}

export function makeCa(name = 'golive test CA'): TestCa {
  const kp = keyPair();
  const cert = baseCert(kp.pub, name, -1, 3650);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(kp.priv, forge.md.sha256.create());
  const caCert = cert;
  return {
    cert: forge.pki.certificateToPem(caCert),
    key: kp.pem,
    issue(opts: LeafOptions = {}): Pem {
      const hosts = opts.hosts ?? ['127.0.0.1', 'localhost'];
      const leafKp = keyPair();
      const leaf = baseCert(leafKp.pub, opts.commonName ?? hosts[0] ?? 'localhost', opts.notBeforeDays ?? -1, opts.notAfterDays ?? 90);
      leaf.setIssuer(caCert.subject.attributes);
      leaf.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: hosts.map((h) => (/^[\d.]+$/.test(h) || h.includes(':') ? { type: 7, ip: h } : { type: 2, value: h })),
        },
      ]);
      leaf.sign(kp.priv, forge.md.sha256.create());
      return { cert: forge.pki.certificateToPem(leaf), key: leafKp.pem };
    },
  };
}

export interface TestPki {
  ca: TestCa;
  valid: Pem;
  expired: Pem;
  wrongHost: Pem;
  expiringSoon: Pem;
  /** Expires in 1 day: inside the default 7-day fail window. */
  expiresTomorrow: Pem;
  /** Expires in 14 days: inside the 21-day warning window only. */
  expiresInTwoWeeks: Pem;
  /** Signed by a CA nobody trusts. */
  untrusted: Pem;
}

/** Everything the webhook tests need, made once per test file (a few hundred ms). */
export function makePki(): TestPki {
  const ca = makeCa();
  const rogue = makeCa('rogue CA');
  return {
    ca,
    valid: ca.issue(),
    expired: ca.issue({ notBeforeDays: -90, notAfterDays: -2 }),
    wrongHost: ca.issue({ hosts: ['shop.example.com'] }),
    expiringSoon: ca.issue({ notAfterDays: 5 }),
    expiresTomorrow: ca.issue({ notAfterDays: 1 }),
    expiresInTwoWeeks: ca.issue({ notAfterDays: 14 }),
    untrusted: rogue.issue(),
  };
}
