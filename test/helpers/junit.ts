// Validates JUnit XML against the Jenkins JUnit XSD (a copy in test/fixtures/schemas) with libxml2's
// own xmllint compiled to WebAssembly (xmllint-wasm): the same validator as the xmllint CLI, with
// no system package to install.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateXML } from 'xmllint-wasm';

const XSD = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/schemas/jenkins-junit.xsd'), 'utf8');

/** xmllint's messages for the document; [] when it is valid against the Jenkins JUnit XSD. */
export async function junitXsdProblems(xml: string): Promise<string[]> {
  const r = await validateXML({ xml: [{ fileName: 'golive.xml', contents: xml }], schema: [{ fileName: 'jenkins-junit.xsd', contents: XSD }] });
  return r.valid ? [] : r.errors.map((e) => e.message.trim());
}
