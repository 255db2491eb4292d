// The body of `golive rehearse`: settings and safety rules (caps, key/URL environment), the prompt
// source (terminal, answers file, or a refusal), resume-or-new, the run itself with a spinner, state
// saved on every phase and on Ctrl-C, and the sign-off report.
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import ora, { type Ora } from 'ora';
import path from 'node:path';
import { GoliveError, describeError } from '../errors.js';
import { acquireLock, describeHolder, type Lock } from '../lockfile.js';
import { maskSecret } from '../engine/mask.js';
import { keyEnvironment } from '../mintcash/environments.js';
import { decideSend, operatorApi, type ApprovedSend, type BaseUrlKind } from '../mintcash/hosts.js';
import { formatMinor } from '../mintcash/amounts.js';
import { createClient, type MintcashClient } from '../mintcash/client.js';
import { askerFromPrompter, loadAnswers, type AnswersFile, type Asker } from '../rehearsal/asker.js';
import { validateAnswers } from '../rehearsal/questions.js';
import { isPractice, SIGNOFF_DIR } from '../rehearsal/signoff.js';
import { PRACTICE_SCREEN_BANNER, openSummary, readableStatus, when } from '../rehearsal/screen.js';
import type { Waiter, WebhookCheckSummary } from '../rehearsal/context.js';
import { runRehearsal, settlementReminder } from '../rehearsal/engine.js';
import { apiHostOf, sameApi } from '../rehearsal/live-host.js';
import { keyFingerprint, merchantIdentity } from '../rehearsal/merchant.js';
import { findOpenMoney } from '../rehearsal/open-money.js';
import { writeSignOff } from '../rehearsal/files.js';
import { plannedCalls, renderPlan } from '../rehearsal/plan.js';
import { loadOrCreateOperatorKey, operatorKeyPath, type OperatorKey } from '../rehearsal/signing.js';
import { isFinished, listStates, lockPath, newRehearsalId, rehearsalsDir, saveState, staleError } from '../rehearsal/store.js';
import { STEP_IDS, emptyStep, type RehearsalSettings, type RehearsalState } from '../rehearsal/types.js';
import { VERSION } from '../version.js';
import type { RehearseFlags } from './rehearse.js';
import type { Output } from '../output/boundary.js';
import { cleanDeep } from '../output/escape.js';
import type { Prompter } from './prompter.js';
import { loadProject, resolveTargetDir, type Project } from './shared.js';

export interface RehearseIO {
  env: NodeJS.ProcessEnv;
  /** The output boundary: screens, progress and errors leave through it, masked and CI-safe. */
  output: Output;
  stdin: { isTTY?: boolean };
  onInterrupt: (hook: () => void | number | Promise<void | number>) => () => void;
  /** Tests: answer questions without a terminal or file. */
  asker?: Asker;
  now?: () => Date;
}

function settingsFrom(flags: RehearseFlags, project: Project, webhookUrl: string | undefined): RehearsalSettings {
  const r = project.config.rehearsal ?? {};
  const currency = (flags.currency ?? r.currency ?? 'USD').toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw new GoliveError('USAGE', `--currency must be an ISO 4217 code like USD, got "${flags.currency}"`);
  const amountCap = flags.amountCap ?? r.amountCap ?? 100;
  const amount = flags.amount ?? Math.min(100, amountCap);
  const subscriptionAmount = r.subscriptionPlan?.amount ?? amount;
  for (const [what, v] of [['the charge', amount], ['the subscription', subscriptionAmount]] as const) {
    if (v > amountCap) {
      throw new GoliveError('USAGE', `${what} of ${formatMinor(v, currency)} is above the cap of ${formatMinor(amountCap, currency)}`, {
        suggestion: 'Lower the amount, or raise the cap on purpose with --amount-cap / rehearsal.amountCap.',
      });
    }
  }
  const returnUrl = flags.returnUrl ?? r.returnUrl ?? (webhookUrl ? `${new URL(webhookUrl).origin}/` : 'https://www.mintcash.me/');
  return { amount, currency, amountCap, billingIntervalDays: r.subscriptionPlan?.billingIntervalDays ?? 7, subscriptionAmount, returnUrl };
}

function spinner(io: RehearseIO): Waiter {
  const { err } = io.output;
  const tty = err.isTTY && !io.env.CI && io.env.TERM !== 'dumb';
  if (!tty) return { start() {}, update() {}, stop() {} };
  let current: Ora | undefined;
  return {
    start(text) {
      current?.stop();
      // hideCursor off: ora's cursor restore installs signal-exit, which re-raises SIGINT and kills
      // the process before golive's own Ctrl-C handler can save the state and exit 130.
      // A terminal only (never a CI log); the text still leaves masked and as one line.
      current = ora({ stream: err.raw as NodeJS.WriteStream, text: io.output.clean(text), discardStdin: false, hideCursor: false }).start();
    },
    update(text) {
      if (current) current.text = io.output.clean(text);
    },
    stop() {
      current?.stop();
      current = undefined;
    },
  };
}

/** Prompt texts quote state and server answers: masked and one line before a prompt shows them. */
export function cleanPrompter(p: Prompter, output: Output): Prompter {
  const c = output.clean;
  const choices = <T extends { name?: string; description?: string }>(list: T[]): T[] => list.map((x) => ({ ...x, ...(x.name ? { name: c(x.name) } : {}), ...(x.description ? { description: c(x.description) } : {}) }));
  return {
    input: (o) => p.input({ ...o, message: c(o.message) }),
    confirm: (o) => p.confirm({ ...o, message: c(o.message) }),
    select: (o) => p.select({ ...o, message: c(o.message), choices: choices(o.choices) }),
    checkbox: (o) => p.checkbox({ ...o, message: c(o.message), choices: choices(o.choices) }),
  };
}

async function webhookChecks(root: string, project: Project, env: NodeJS.ProcessEnv, webhookUrl: string | undefined, progress: (text: string) => void, output: Output): Promise<WebhookCheckSummary> {
  const [{ selectChecks }, { runChecks }] = await Promise.all([import('../engine/registry.js'), import('../engine/runner.js')]);
  const checks = selectChecks(project.registry, ['webhook']);
  let finished = 0;
  const raw = await runChecks({
    onCheckStart: (c) => progress(`${finished}/${checks.length} done, running ${c.id}`),
    onCheckDone: (r) => progress(`${++finished}/${checks.length} done (${r.id}: ${r.status})`),
    root,
    config: project.config,
    options: { offline: false, history: false, requireRehearsal: false, ...(webhookUrl ? { webhookUrl } : {}) },
    checks,
    env,
    version: VERSION,
    failOn: 'error',
    secrets: output.secrets,
  });
  // What the screens and the state show of it: masked and one line, as any report.
  const report = cleanDeep(raw, (t) => output.secrets.mask(t));
  const counts: Record<string, number> = { ...report.summary.counts };
  return {
    counts,
    failing: report.checks.filter((c) => c.status === 'fail' || c.status === 'error').map((c) => c.id),
    // Not proven either way: scoped out (skip) or not configured (pending).
    skipped: report.checks.filter((c) => c.status === 'skip' || c.status === 'pending').map((c) => c.id),
    results: report.checks.map((c) => ({ id: c.id, status: c.status, summary: c.summary })),
  };
}

/** The operator's signing key; the first run creates it and says how to pin it. */
async function operatorKey(flags: RehearseFlags, project: Project, io: RehearseIO, root: string, out: (s: string) => void): Promise<OperatorKey> {
  const key = await loadOrCreateOperatorKey(operatorKeyPath(flags.keyFile ?? project.config.rehearsal?.keyFile, io.env), root);
  if (key.created) {
    out(`Created your operator signing key ${key.file} (Ed25519, mode 0600); it signs your sign-offs.`);
    out(`  Fingerprint ${key.fingerprint}. To have golive accept your sign-offs, add this to rehearsal.signers in golive.config.json:`);
    out(`  {"name": "<your name>", "publicKey": "${key.publicKey}"}`);
  }
  return key;
}

/** `golive rehearse …` with every flag a resume needs: every hint names this exact command. */
export function resumeCommandOf(dir: string, flags: RehearseFlags): string {
  const q = (v: string) => (/^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
  const parts = ['golive rehearse'];
  if (dir !== '.') parts.push(q(dir));
  const pairs: Array<[string, string | undefined]> = [
    ['--config', flags.config],
    ['--api-base-url', flags.apiBaseUrl],
    ...(flags.allowLiveHost ?? []).map((h): [string, string] => ['--allow-live-host', h]),
    ['--webhook-url', flags.webhookUrl],
    ['--answers', flags.answers],
    ['--key-file', flags.keyFile],
    ['--report-dir', flags.reportDir],
  ];
  for (const [flag, v] of pairs) if (v) parts.push(flag, q(v));
  return parts.join(' ');
}

export async function runRehearseCommand(dir: string, flags: RehearseFlags, io: RehearseIO): Promise<number> {
  const now = io.now ?? (() => new Date());
  const { output } = io;
  const out = (s: string) => output.out.line(s);
  const root = await resolveTargetDir(dir);
  const project = await loadProject(root, flags.config, { secrets: output.secrets });
  const reportDir = path.resolve(root, flags.reportDir ?? SIGNOFF_DIR);
  const exclusive = [flags.resume && '--resume', flags.new && '--new', flags.report && '--report', flags.cleanup && '--cleanup', flags.dryRun && '--dry-run'].filter(Boolean);
  if (flags.resume && flags.new) throw new GoliveError('USAGE', '--resume and --new cannot be used together');
  if (flags.cleanup && exclusive.length > 1) throw new GoliveError('USAGE', `--cleanup cannot be combined with ${exclusive.filter((x) => x !== '--cleanup').join(', ')}`);
  const resumeCmd = resumeCommandOf(dir, flags);

  const { states, problems } = await listStates(root);
  for (const p of problems) output.err.line(`golive: skipped ${output.clean(p)}`);
  const signingKey = () => operatorKey(flags, project, io, root, out);
  if (flags.report) {
    const latest = states[0];
    if (!latest) throw new GoliveError('USAGE', `no rehearsal found in ${path.join(root, '.golive', 'rehearsals')}`, { suggestion: `Start one with \`${resumeCmd}\`.` });
    // Re-renders what the record holds; the document keeps the record's own dates.
    const { files } = await writeSignOff(reportDir, latest, VERSION, await signingKey());
    out(`${latest.status === 'completed' ? 'Sign-off' : `Partial sign-off (${latest.status})`} for rehearsal ${latest.id} written:\n${files.map((f) => `  ${f}`).join('\n')}`);
    return 0;
  }

  const webhookUrl = flags.webhookUrl ?? project.config.webhook.url;
  const settings = settingsFrom(flags, project, webhookUrl);
  const { api, problems: apiProblems } = operatorApi(flags, io.env);
  if (apiProblems.length > 0) throw new GoliveError('USAGE', apiProblems[0]!, { suggestion: 'Pass a URL like https://api.mintcash.me and hosts like proxy.example.com or 127.0.0.1:8443.' });
  const baseUrl = api.baseUrl?.url ?? project.config.api.baseUrl;
  const names = project.config.env;
  const publicKey = io.env[names.publicKey] ?? '';
  const secretKey = io.env[names.secretKey] ?? '';
  if (flags.dryRun) {
    out(renderPlan(plannedCalls('<rehearsal-id>', settings, '<operator>'), baseUrl, publicKey || undefined).trimEnd());
    return 0;
  }
  if (!publicKey || !secretKey) {
    throw new GoliveError('USAGE', `the MintCash key pair is not set (${names.publicKey} / ${names.secretKey})`, {
      suggestion: 'Export the live pair in this shell (never as a flag), or practise against `golive emulate` with its test pair (README "Dress rehearsal").',
    });
  }
  const keyEnvs = [keyEnvironment(publicKey), keyEnvironment(secretKey)];
  // The one send rule (mintcash/hosts.ts), before anything is created or sent: live keys go to
  // MintCash's live API, or to a host the operator named and allowed (announced); the repository
  // config never chooses another host for them.
  const target = decideSend({ operator: api, configUrl: project.config.api.baseUrl, keys: [publicKey, secretKey] });
  if (!target.ok) {
    throw new GoliveError('USAGE', `cannot rehearse: ${target.message}`, {
      suggestion: 'Use live keys with https://api.mintcash.me, or test keys with the sandbox or `golive emulate` (README "Where keys are sent").',
    });
  }
  if (target.announce) output.err.line(target.announce);
  // Live keys approved means MintCash's live API or a host the operator allowed: a live rehearsal.
  const liveHost = target.keys === 'live';
  const baseUrlKind = target.kind;
  const keyEnv = target.keys;
  const practice = isPractice({ keyEnvironment: keyEnv, baseUrlKind, liveHost });
  if (practice) out(PRACTICE_SCREEN_BANNER);
  if (flags.cleanup) {
    const { runCleanup } = await import('./rehearse-cleanup.js');
    return runCleanup({ root, flags, io, out, states, target, baseUrl, publicKey, secretKey, resumeCmd, now });
  }
  let ask = io.asker;
  let answersFile: AnswersFile | undefined;
  if (!ask && flags.answers) {
    answersFile = await loadAnswers(flags.answers);
    ask = answersFile.asker;
  }
  if (!ask) {
    if (!io.stdin.isTTY || !output.out.isTTY) {
      throw new GoliveError('USAGE', 'golive rehearse asks questions and needs a terminal', {
        suggestion: 'Run it in a terminal, or pass --answers <file> (README "Dress rehearsal" lists the question ids); --dry-run needs neither.',
      });
    }
    const { inquirerPrompter } = await import('./prompter.js');
    ask = askerFromPrompter(cleanPrompter(inquirerPrompter(), output));
  }
  if (ask.source.via === 'answers-file' && !practice) {
    out(`=== SCRIPTED: answers come from ${ask.source.file}, not a person at a terminal. A scripted live sign-off counts only where the trusted policy sets rehearsal.allowScripted. ===`);
  }

  // One terminal per rehearsal directory: taken before anything is asked or sent.
  const lock = await lockRehearsals(root, flags, resumeCmd, out);
  try {
    return await runLocked({ root, dir, flags, io, out, now, project, states, settings, target, baseUrl, baseUrlKind, liveHost, keyEnv, keyEnvs, publicKey, secretKey, webhookUrl, ask, answersFile, resumeCmd, lock, signingKey, practice });
  } finally {
    await lock.release();
  }
}

interface LockedRun {
  root: string;
  dir: string;
  flags: RehearseFlags;
  io: RehearseIO;
  out: (s: string) => void;
  now: () => Date;
  project: Project;
  states: RehearsalState[];
  settings: RehearsalSettings;
  /** Where the keys go, as the send rule approved it. */
  target: ApprovedSend;
  baseUrl: string;
  baseUrlKind: BaseUrlKind;
  liveHost: boolean;
  keyEnv: 'live' | 'test';
  keyEnvs: Array<'live' | 'test' | undefined>;
  publicKey: string;
  secretKey: string;
  webhookUrl: string | undefined;
  ask: Asker;
  answersFile: AnswersFile | undefined;
  resumeCmd: string;
  lock: Lock;
  signingKey: () => Promise<OperatorKey>;
  practice: boolean;
}

async function lockRehearsals(root: string, flags: RehearseFlags, resumeCmd: string, out: (s: string) => void): Promise<Lock> {
  await mkdir(rehearsalsDir(root), { recursive: true });
  const got = await acquireLock(lockPath(root), { purpose: 'golive rehearse', ...(flags.takeOver ? { takeOver: true } : {}) });
  if (!got.ok) {
    throw new GoliveError('USAGE', `this rehearsal is open in another terminal: ${describeHolder(got.holder)}`, {
      suggestion: `Finish it there, or stop it there with Ctrl-C (its progress is saved). If that terminal is gone for good, take over here with: ${resumeCmd} --take-over (the other terminal, should it come back, can then save nothing).`,
    });
  }
  if (got.lock.replaced) out(`Took over the rehearsal from ${describeHolder(got.lock.replaced)}; its last saved progress is kept, and it can no longer save.`);
  return got.lock;
}

async function runLocked(r: LockedRun): Promise<number> {
  const { root, flags, io, out, now, project, ask, answersFile, baseUrl, publicKey, secretKey, resumeCmd } = r;
  const { output } = io;
  // Read again under the lock: another terminal may have saved since the first look.
  const { states } = await listStates(root);
  const unfinished = states.filter((s) => !isFinished(s));
  const candidate = !flags.new ? unfinished[0] : undefined;
  if (flags.resume && !candidate) throw new GoliveError('USAGE', 'there is no unfinished rehearsal to resume', { suggestion: `Start one with \`${resumeCmd} --new\`.` });
  if (answersFile) {
    // The whole file, before anything is created or sent: a script must not stop halfway through a paid run.
    const resumeAnswer = candidate && !flags.resume ? answersFile.answers.resume : 'resume';
    const problems = validateAnswers(answersFile.answers, { settings: r.settings, asksResume: Boolean(candidate && !flags.resume), ...(candidate && resumeAnswer === 'resume' ? { resuming: candidate } : {}) });
    if (problems.length > 0) {
      throw new GoliveError('USAGE', `--answers: ${answersFile.file} does not answer this rehearsal (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was created or sent`, {
        details: problems,
        suggestion: 'Fix the answers file; README "Dress rehearsal" lists every question id and its answers.',
      });
    }
  }
  const client = createClient({ target: r.target, publicKey, secretKey, onResponse: (x) => ((lastRequestId = x.requestId ?? undefined), (lastDate = x.date ?? undefined)) });
  let lastRequestId: string | undefined;
  let lastDate: string | undefined;
  const sameTarget = (s: RehearsalState) => sameApi(s.target.baseUrl, baseUrl) && s.target.publicKey === maskSecret(publicKey);
  let state: RehearsalState | undefined;
  if (candidate) {
    const choice = flags.resume
      ? 'resume'
      : await ask.select('resume', {
          message: `Rehearsal ${candidate.id} (started ${when(candidate.createdAt)}) is ${readableStatus(candidate)}. Resume it?`,
          choices: [
            { value: 'resume', name: `Resume ${candidate.id}: ${openSummary(candidate)}` },
            { value: 'new', name: 'Start a new rehearsal (its open money is listed first; `--cleanup` refunds and cancels it)' },
          ],
          default: 'resume',
        });
    if (choice === 'resume') state = candidate;
  }
  if (state && !sameTarget(state)) {
    throw new GoliveError('USAGE', `rehearsal ${state.id} ran against ${state.target.baseUrl} with key ${state.target.publicKey}; resume it with the same base URL and key pair`, {
      suggestion: 'Export the same keys and pass the same --api-base-url, or start over with --new.',
    });
  }
  if (!state) await listOpenMoney(states, client, sameTarget, out, resumeCmd);
  // The signing key before the rehearsal is created: a key that cannot be made must not strand a paid run.
  const key = await r.signingKey();
  const user = os.userInfo().username;
  const host = os.hostname();
  if (!state) {
    const name = await ask.input('operator', { message: 'Your name (recorded in the sign-off):', validate: (v) => (v.trim() ? true : 'enter a name') });
    const at = now().toISOString();
    state = {
      schemaVersion: 1,
      id: newRehearsalId(now()),
      createdAt: at,
      updatedAt: at,
      status: 'in_progress',
      merchant: await merchantIdentity(root, project.config.rehearsal?.merchantId),
      target: {
        baseUrl,
        baseUrlKind: r.baseUrlKind,
        keyEnvironment: r.keyEnv,
        publicKey: maskSecret(publicKey),
        publicKeyFingerprint: keyFingerprint(publicKey),
        apiHost: apiHostOf(baseUrl) ?? baseUrl,
        liveHost: r.liveHost,
        ...(r.webhookUrl ? { webhookUrl: r.webhookUrl } : {}),
      },
      operator: { name: name.trim(), username: user, hostname: host },
      settings: r.settings,
      steps: Object.fromEntries(STEP_IDS.map((k) => [k, emptyStep()])) as RehearsalState['steps'],
      sessions: [],
    };
    // "LIVE: real money" only for MintCash's live API; a host the operator allowed is named.
    const label = r.practice ? 'PRACTICE: no real money' : r.baseUrlKind === 'production' ? 'LIVE: real money' : `LIVE through ${r.target.url.display} (allowed by ${r.target.allowedBy ?? 'the operator'}), not api.mintcash.me: real money`;
    out(`Rehearsal ${state.id} started against ${baseUrl} (${label}).`);
  } else {
    out(`Resuming rehearsal ${state.id} (started ${when(state.createdAt)} by ${state.operator.name}). Still open: ${openSummary(state)}.`);
    const reminder = settlementReminder(state);
    if (reminder) out(reminder);
  }
  const st = state;
  const session: RehearsalState['sessions'][number] = {
    startedAt: now().toISOString(),
    username: user,
    hostname: host,
    answers: ask.source.via === 'terminal' ? 'typed at a terminal' : `scripted: answers file ${ask.source.file} (sha256 ${ask.source.sha256})`,
  };
  st.sessions.push(session);
  const crashAt = io.env.GOLIVE_REHEARSAL_CRASH_AFTER;
  const crash = (label: string) => {
    // Test hook: die without cleanup exactly at a boundary, as a power cut or `kill -9` would.
    if (crashAt && crashAt === label) process.kill(process.pid, 'SIGKILL');
  };
  const save = async () => {
    // Taken over by another terminal: this one must not write at all.
    if (!(await r.lock.stillHeld())) throw staleError(st.id, st.revision ?? 0, (st.revision ?? 0) + 1);
    await saveState(root, st);
  };
  const persist = async (label: string) => {
    st.updatedAt = now().toISOString();
    await save();
    crash(label);
  };
  await persist('start');
  const waiter = spinner(io);
  // Ctrl-C while a spinner waits (a signal, not a prompt): save, say how to resume, exit 130.
  const off = io.onInterrupt(async () => {
    waiter.stop();
    session.endedAt = now().toISOString();
    session.outcome = 'interrupted (Ctrl-C)';
    await save().catch((e: unknown) => output.err.line(`golive: ${output.clean(describeError(e))}`));
    await r.lock.release();
    output.err.line(`\nInterrupted: rehearsal ${st.id} is saved. Resume with: ${output.clean(resumeCmd)}`);
    return 130;
  });
  const practiceEnv = st.target.keyEnvironment;
  try {
    const outcome = await runRehearsal({
      state: st,
      client,
      lastRequestId: () => lastRequestId,
      mintcashNow: () => (lastDate ? Date.parse(lastDate) || undefined : undefined),
      resumeCommand: resumeCmd,
      ask,
      out,
      waiter,
      poll: { intervalMs: flags.pollInterval ?? 3000, maxAttempts: flags.pollMax ?? 100, maxMs: (flags.pollInterval ?? 3000) * (flags.pollMax ?? 100) + 60_000 },
      persist,
      afterSend: crash,
      keys: { publicKey, publicKeyEnv: r.keyEnvs[0], secretKeyEnv: r.keyEnvs[1], webhookSecretSet: Boolean(io.env[project.config.env.webhookSecret]) },
      // Practice probes the endpoint as a test one (test events, test secret), whatever the config targets.
      webhookChecks: (progress) => webhookChecks(root, practiceEnv === 'test' ? { ...project, config: { ...project.config, environment: 'test' } } : project, io.env, r.webhookUrl, progress, output),
      webhookCheckCommand: ['golive check', ...(r.dir !== '.' ? [r.dir] : []), ...(flags.config ? ['--config', flags.config] : []), '--only webhook', ...(r.webhookUrl ? ['--webhook-url', r.webhookUrl] : [])].join(' '),
      now,
      sleep: (ms) => new Promise((res) => setTimeout(res, ms)),
    });
    session.endedAt = now().toISOString();
    session.outcome = outcome.status;
    await persist('session-end');
    out(`\n${outcome.message}`);
    if (outcome.suggestion) out(`  ${outcome.suggestion}`);
    if (outcome.status === 'completed') {
      const { files } = await writeSignOff(path.resolve(root, flags.reportDir ?? SIGNOFF_DIR), st, VERSION, key);
      out(`Sign-off written:\n${files.map((f) => `  ${f}`).join('\n')}\nVerify it any time with \`golive report --verify ${files[0]}\`.`);
    }
    return outcome.status === 'completed' || outcome.status === 'paused' ? 0 : 1;
  } catch (e) {
    session.endedAt = now().toISOString();
    session.outcome = e instanceof GoliveError && e.code === 'INTERRUPTED' ? 'interrupted (Ctrl-C)' : 'stopped by an error';
    await save().catch(() => undefined);
    if (e instanceof GoliveError && e.code === 'INTERRUPTED') {
      throw new GoliveError('INTERRUPTED', `interrupted: rehearsal ${st.id} is saved`, { suggestion: `Resume with: ${resumeCmd}` });
    }
    throw e;
  } finally {
    off();
  }
}

/** Before a new rehearsal: what earlier ones left behind (read at MintCash), and how to clean it up. */
async function listOpenMoney(states: RehearsalState[], client: MintcashClient, sameTarget: (s: RehearsalState) => boolean, out: (s: string) => void, resumeCmd: string): Promise<void> {
  const open = await findOpenMoney(states, client, sameTarget);
  if (open.items.length === 0 && open.unreadable.length === 0) return;
  out('Open money from earlier rehearsals (a new rehearsal does not touch it):');
  for (const i of open.items) out(`  rehearsal ${i.rehearsal.id}: ${i.text}`);
  for (const u of open.unreadable) out(`  ${u}`);
  if (open.items.length > 0) out(`  Refund and cancel it with: ${resumeCmd} --cleanup`);
}
