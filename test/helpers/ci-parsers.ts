// Faithful models of how CI runners find commands in a step's output, written from their source:
// - GitHub Actions: actions/runner src/Runner.Worker/ActionCommandManager.cs (TryProcessCommand,
//   stop-commands/resume) and src/Runner.Common/ActionCommand.cs (TryParseV2: the line, after
//   TrimStart, starts with `::`; TryParse: the legacy `##[` anywhere; property/data unescaping),
//   output read line by line with .NET StreamReader.ReadLine (\r, \n, \r\n).
// - Azure Pipelines: microsoft/azure-pipelines-agent src/Microsoft.VisualStudio.Services.Agent/
//   Command.cs (TryParse: `##vso[area.event props]data` anywhere), plus the log formatting
//   commands (`##[group]`, `##[error]`…) its docs describe.
// Both compare with .NET's culture-sensitive StartsWith/IndexOf, which under ICU skip ignorable
// code points (zero-width characters, soft hyphen, controls). The models take the permissive
// reading: the line is matched with ignorable code points removed, so whatever the real runner
// could take for a command, these take too. A test that finds no command here is a strong claim.

/** .NET Char.IsWhiteSpace, which String.TrimStart() removes. */
const DOTNET_WS = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/u;
/** What ICU collation ignores (completely ignorable code points and controls). */
const IGNORABLE = /[\p{Default_Ignorable_Code_Point}\p{Cc}]/gu;

/** StreamReader.ReadLine: lines end at \r\n, \r or \n. */
export function readLines(output: string): string[] {
  const lines = output.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const view = (line: string) => line.replace(IGNORABLE, (c) => (c === '\t' ? c : ''));

export interface ParsedCommand {
  /** Which form matched: `::` (V2), `##[` (legacy), `##vso[` (Azure) or an Azure formatting command. */
  form: 'v2' | 'legacy' | 'vso' | 'format';
  command: string;
  properties: Record<string, string>;
  data: string;
  line: string;
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
const unescapeLegacy = (s: string) => s.replace(/%3B/g, ';').replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%5D/g, ']').replace(/%25/g, '%');

/** ActionCommand.TryParseV2. */
function tryParseV2(line: string, registered: Set<string>): ParsedCommand | undefined {
  const message = view(line.replace(DOTNET_WS, ''));
  if (!message.startsWith('::')) return undefined;
  const end = message.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = message.slice(2, end);
  const space = info.indexOf(' ');
  const command = space < 0 ? info : info.slice(0, space);
  if (!registered.has(command.toLowerCase())) return undefined;
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const p of info.slice(space + 1).trim().split(',').filter(Boolean)) {
      const eq = p.indexOf('=');
      if (eq > 0 && eq < p.length - 1) properties[p.slice(0, eq)] = unescapeProperty(p.slice(eq + 1));
    }
  }
  return { form: 'v2', command, properties, data: unescapeData(message.slice(end + 2)), line };
}

/** ActionCommand.TryParse (the legacy form, still tried when V2 does not match). */
function tryParseLegacy(line: string, registered: Set<string>): ParsedCommand | undefined {
  const message = view(line);
  const at = message.indexOf('##[');
  if (at < 0) return undefined;
  const rb = message.indexOf(']', at);
  if (rb < 0) return undefined;
  const info = message.slice(at + 3, rb);
  const space = info.indexOf(' ');
  const command = space < 0 ? info : info.slice(0, space);
  if (!registered.has(command.toLowerCase())) return undefined;
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const p of info.slice(space + 1).split(';').filter(Boolean)) {
      const eq = p.indexOf('=');
      if (eq > 0 && eq < p.length - 1) properties[p.slice(0, eq)] = unescapeLegacy(p.slice(eq + 1));
    }
  }
  return { form: 'legacy', command, properties, data: unescapeLegacy(message.slice(rb + 1)), line };
}

/** The commands actions/runner registers (each IActionCommandExtension.Command, plus stop-commands). */
export const GITHUB_COMMANDS = ['add-mask', 'add-matcher', 'add-path', 'debug', 'echo', 'endgroup', 'error', 'group', 'notice', 'remove-matcher', 'save-state', 'set-env', 'set-output', 'warning', 'stop-commands'];

export interface GithubRun {
  /** Commands the runner acted on, in order (stop-commands and its resume included). */
  commands: ParsedCommand[];
  /** Still paused by a stop-commands whose token never came back. */
  stopped: boolean;
}

/** ActionCommandManager.TryProcessCommand over every line of a step's output. */
export function githubRunner(output: string): GithubRun {
  const registered = new Set(GITHUB_COMMANDS);
  const commands: ParsedCommand[] = [];
  let stopToken: string | undefined;
  for (const line of readLines(output)) {
    const c = tryParseV2(line, registered) ?? tryParseLegacy(line, registered);
    if (!c) continue;
    if (stopToken !== undefined) {
      if (c.command.toLowerCase() === stopToken.toLowerCase()) {
        registered.delete(stopToken.toLowerCase());
        stopToken = undefined;
        commands.push(c);
      }
      continue;
    }
    if (c.command.toLowerCase() === 'stop-commands') {
      stopToken = c.data;
      registered.add(c.data.toLowerCase());
    }
    commands.push(c);
  }
  return { commands, stopped: stopToken !== undefined };
}

const AZURE_FORMATS = ['group', 'endgroup', 'section', 'warning', 'error', 'debug', 'command'];

/** Command.TryParse (`##vso[`) and the formatting commands, over every line. */
export function azureAgent(output: string): ParsedCommand[] {
  const out: ParsedCommand[] = [];
  for (const line of readLines(output)) {
    const message = view(line);
    const at = message.indexOf('##vso[');
    if (at >= 0) {
      const rb = message.indexOf(']', at);
      if (rb >= 0) {
        const info = message.slice(at + 6, rb);
        const space = info.indexOf(' ');
        const name = space < 0 ? info : info.slice(0, space);
        if (name.split('.').filter(Boolean).length === 2) {
          out.push({ form: 'vso', command: name, properties: {}, data: message.slice(rb + 1), line });
          continue;
        }
      }
    }
    const f = /##\[([a-z]+)\]/i.exec(message);
    if (f && AZURE_FORMATS.includes(f[1]!.toLowerCase())) out.push({ form: 'format', command: f[1]!, properties: {}, data: message.slice(f.index + f[0].length), line });
  }
  return out;
}
