// Templates for webhook.code-dedup: deduplicating on eventId needs a persistent store (a table
// with a unique key, or a cache), which golive cannot create, so it prints a snippet for the
// detected framework and database client and an outline of the migration. Never applied.
import type { CheckResult, Finding } from '../engine/types.js';
import type { CodeIndex, CodeLanguage } from '../evidence/code/types.js';
import { targetOf } from './plan.js';
import type { Session } from './session.js';
import type { Fix } from './types.js';

const SQL_TABLE = 'CREATE TABLE processed_webhook_events (event_id TEXT PRIMARY KEY, received_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);';

/** The acknowledgement of a duplicate (200, nothing done), per framework. */
const ACK: Record<string, string> = {
  express: 'return res.sendStatus(200);',
  // Braced: it follows `if (seen) ` in the JS snippets, and a bare `return;` there would always run.
  node: '{ res.writeHead(200).end(); return; }',
  next: 'return new Response(null, { status: 200 });',
  'next-pages': 'return res.status(200).end();',
  fastify: 'return reply.code(200).send();',
  nest: 'return { duplicate: true };',
  flask: 'return "", 200',
  django: 'return HttpResponse(status=200)',
  fastapi: 'return {"duplicate": True}',
  rails: 'return head :ok',
  sinatra: 'halt 200',
  laravel: "return response('', 200);",
  php: 'http_response_code(200); exit;',
  go: 'w.WriteHeader(http.StatusOK); return',
  spring: 'return ResponseEntity.ok().build();',
};

const LABEL: Record<string, string> = { node: 'a plain Node handler', next: 'a Next.js route handler', 'next-pages': 'a Next.js pages-router API route' };

interface Store {
  name: string;
  lookup: string;
  record: string;
  migration: string[];
}

/** Per database client: the lookup before acting, the record after, and the migration. */
function storeFor(lang: CodeLanguage, deps: string): Store {
  const has = (re: RegExp) => re.test(deps);
  if (lang === 'js' || lang === 'ts') {
    if (has(/"@prisma\/client"|"prisma"/)) return { name: 'Prisma', lookup: 'const seen = await prisma.processedWebhookEvent.findUnique({ where: { eventId: event.eventId } });\nif (seen) {ACK}', record: 'await prisma.processedWebhookEvent.create({ data: { eventId: event.eventId } });', migration: ['schema.prisma: model ProcessedWebhookEvent { eventId String @id  receivedAt DateTime @default(now()) }', 'npx prisma migrate dev --name processed-webhook-events'] };
    if (has(/"mongoose"|"mongodb"/)) return { name: 'MongoDB', lookup: "const seen = await db.collection('processedWebhookEvents').findOne({ _id: event.eventId });\nif (seen) {ACK}", record: "await db.collection('processedWebhookEvents').insertOne({ _id: event.eventId, receivedAt: new Date() });", migration: ['the _id is unique already: no index to add; optionally a TTL index on receivedAt (MintCash retries for 24 h, keep at least 7 days)'] };
    if (has(/"ioredis"|"redis"/)) return { name: 'Redis', lookup: "if (await redis.exists(`mintcash:event:${event.eventId}`)) {ACK}", record: "await redis.set(`mintcash:event:${event.eventId}`, '1', 'EX', 7 * 24 * 3600);", migration: ['no migration: keys expire after 7 days (MintCash retries for 24 h)'] };
    const client = has(/"knex"/) ? 'knex' : has(/"mysql2"/) ? 'mysql2' : has(/"pg"/) ? 'pg' : 'your SQL client';
    const q = client === 'knex'
      ? { lookup: "if (await knex('processed_webhook_events').where({ event_id: event.eventId }).first()) {ACK}", record: "await knex('processed_webhook_events').insert({ event_id: event.eventId });" }
      : { lookup: "const { rows: [seen] } = await pool.query('SELECT 1 FROM processed_webhook_events WHERE event_id = $1', [event.eventId]);\nif (seen) {ACK}", record: "await pool.query('INSERT INTO processed_webhook_events (event_id) VALUES ($1)', [event.eventId]);" };
    return { name: client, ...q, migration: [SQL_TABLE] };
  }
  if (lang === 'python') {
    if (has(/django/i)) return { name: 'Django ORM', lookup: 'if ProcessedWebhookEvent.objects.filter(event_id=event["eventId"]).exists():\n    {ACK}', record: 'ProcessedWebhookEvent.objects.create(event_id=event["eventId"])', migration: ['class ProcessedWebhookEvent(models.Model): event_id = models.CharField(max_length=64, primary_key=True); received_at = models.DateTimeField(auto_now_add=True)', 'python manage.py makemigrations && python manage.py migrate'] };
    return { name: has(/sqlalchemy/i) ? 'SQLAlchemy' : 'your database', lookup: 'if session.get(ProcessedWebhookEvent, event["eventId"]) is not None:\n    {ACK}', record: 'session.add(ProcessedWebhookEvent(event_id=event["eventId"])); session.commit()', migration: [SQL_TABLE, 'with Alembic: alembic revision -m "processed webhook events" and the CREATE TABLE above in upgrade()'] };
  }
  if (lang === 'ruby') return { name: 'ActiveRecord', lookup: "{ACK} if ProcessedWebhookEvent.exists?(event_id: event['eventId'])", record: "ProcessedWebhookEvent.create!(event_id: event['eventId'])", migration: ['bin/rails generate model ProcessedWebhookEvent event_id:string:uniq', 'bin/rails db:migrate'] };
  if (lang === 'php') return { name: 'Eloquent', lookup: "if (ProcessedWebhookEvent::where('event_id', $event['eventId'])->exists()) {\n    {ACK}\n}", record: "ProcessedWebhookEvent::create(['event_id' => $event['eventId']]);", migration: ['php artisan make:model ProcessedWebhookEvent -m', "in the migration: $table->string('event_id')->primary(); $table->timestamps();", 'php artisan migrate'] };
  if (lang === 'go') return { name: 'database/sql', lookup: 'var one int; err := db.QueryRowContext(ctx, "SELECT 1 FROM processed_webhook_events WHERE event_id = $1", evt.EventID).Scan(&one)\nif err == nil {\n\t{ACK}\n}', record: 'db.ExecContext(ctx, "INSERT INTO processed_webhook_events (event_id) VALUES ($1)", evt.EventID)', migration: [SQL_TABLE] };
  return { name: 'Spring Data JPA', lookup: 'if (processedEvents.existsById(event.getEventId())) {\n    {ACK}\n}', record: 'processedEvents.save(new ProcessedWebhookEvent(event.getEventId()));', migration: ['@Entity class ProcessedWebhookEvent { @Id String eventId; Instant receivedAt = Instant.now(); } and interface ProcessedEvents extends JpaRepository<ProcessedWebhookEvent, String>', `Flyway/Liquibase: ${SQL_TABLE}`] };
}

function frameworkOf(lang: CodeLanguage, text: string, file: string): string {
  if (lang === 'js' || lang === 'ts') {
    if (/@nestjs\//.test(text)) return 'nest';
    // The file name says which router: text and name are tested apart (a route handler needs no NextResponse).
    if (/(^|\/)pages\/api\//.test(file)) return 'next-pages';
    if (/next\/server|NextResponse/.test(text) || /(^|\/)app\/(.+\/)?route\.[cm]?[jt]sx?$/.test(file)) return 'next';
    if (/\breply\.(code|send|status)\(/.test(text)) return 'fastify';
    if (/\.writeHead\(/.test(text)) return 'node';
    return 'express';
  }
  if (lang === 'python') return /django/.test(text) ? 'django' : /fastapi|FastAPI/.test(text) ? 'fastapi' : 'flask';
  if (lang === 'ruby') return /Sinatra|sinatra/.test(text) ? 'sinatra' : 'rails';
  if (lang === 'php') return /Illuminate|Laravel/.test(text) ? 'laravel' : 'php';
  return lang === 'go' ? 'go' : 'spring';
}

const DEP_FILES = ['package.json', 'requirements.txt', 'pyproject.toml', 'Pipfile', 'Gemfile', 'composer.json', 'go.mod', 'pom.xml', 'build.gradle', 'build.gradle.kts'];

export async function planDedupTemplate(s: Session, check: CheckResult, f: Finding): Promise<Fix[]> {
  const code = s.evidence.code as CodeIndex;
  const h = code.handlers.find((x) => x.file === f.file && x.line === f.line && x.column === f.column);
  if (!h || !f.file) return [];
  const deps = (await Promise.all(DEP_FILES.map((d) => s.read(d)))).filter(Boolean).join('\n');
  const text = (await s.read(f.file)) ?? '';
  const framework = frameworkOf(h.language, text, f.file);
  const store = storeFor(h.language, deps);
  const ack = ACK[framework]!;
  const lines = [
    `For ${LABEL[framework] ?? framework} with ${store.name}, in ${f.file} after the signature and environment checks:`,
    ...store.lookup.replace('{ACK}', ack).split('\n').map((l) => `  ${l}`),
    '  … handle the event …',
    `  ${store.record}   (a unique key: a concurrent duplicate fails here instead of acting twice)`,
    'Migration outline:',
    ...store.migration.map((m) => `  ${m}`),
    'Keep processed eventIds at least 7 days: MintCash retries for 24 h.',
  ];
  return [{
    id: `${check.id}:dedup-template:${f.file}:${f.line ?? 0}`,
    kind: 'dedup-template',
    tier: 'template',
    title: `deduplicate on eventId with ${store.name}: answer 200 and do nothing for an eventId already processed`,
    target: targetOf(check, f),
    files: [],
    text: lines.join('\n'),
  }];
}
