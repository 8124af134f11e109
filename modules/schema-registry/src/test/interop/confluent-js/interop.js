// Interop driver for ConfluentJsInteropIT. Talks to a Confluent-compatible registry with an independent
// client and serde (@kafkajs/confluent-schema-registry, avsc), never with Switchboard's code.
//   node interop.js decode <registryUrl> <hex>                         -> prints the decoded record as JSON
//   node interop.js encode <registryUrl> <subject> <schemaFile> <recordFile> -> prints {"id":N,"hex":"..."}
const fs = require('fs');
const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');

async function main() {
  const [mode, url, ...rest] = process.argv.slice(2);
  const registry = new SchemaRegistry({ host: url });
  if (mode === 'decode') {
    const record = await registry.decode(Buffer.from(rest[0], 'hex'));
    process.stdout.write(JSON.stringify(record, (k, v) => (typeof v === 'bigint' ? v.toString() : v)));
  } else if (mode === 'encode') {
    const [subject, schemaFile, recordFile] = rest;
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: fs.readFileSync(schemaFile, 'utf8') }, { subject });
    const bytes = await registry.encode(id, JSON.parse(fs.readFileSync(recordFile, 'utf8')));
    process.stdout.write(JSON.stringify({ id, hex: bytes.toString('hex') }));
  } else {
    throw new Error('usage: interop.js decode|encode ...');
  }
}
main().catch((e) => { console.error(e && e.stack ? e.stack : String(e)); process.exit(1); });
