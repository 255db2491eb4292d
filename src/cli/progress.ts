// Progress while checks run: an ora spinner on stderr, only on an interactive terminal, so CI logs
// and piped stdout stay clean.
import ora, { type Ora } from 'ora';

export interface Progress {
  started(id: string): void;
  done(id: string): void;
  stop(): void;
}

export function startProgress(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv, total: number): Progress {
  const interactive = Boolean(stream.isTTY) && !env.CI && env.TERM !== 'dumb';
  if (!interactive || total === 0) return { started() {}, done() {}, stop() {} };
  const running = new Set<string>();
  let finished = 0;
  const spinner: Ora = ora({ stream, text: 'Gathering evidence…', discardStdin: false }).start();
  const update = () => {
    const names = [...running].slice(0, 2).join(', ');
    spinner.text = `Checking ${finished}/${total}${names ? `  ${names}${running.size > 2 ? ', …' : ''}` : ''}`;
  };
  return {
    started(id) {
      running.add(id);
      update();
    },
    done(id) {
      running.delete(id);
      finished++;
      update();
    },
    stop() {
      spinner.stop();
    },
  };
}
