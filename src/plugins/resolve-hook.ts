// A module resolution hook (node:module register) that makes `mintcash-golive` and
// `mintcash-golive/testing` resolve to the golive that is running, so a plugin always gets the same
// API instance, whether or not the merchant's project installed mintcash-golive itself.
interface HookData {
  targets: Record<string, string>;
}

let targets: Record<string, string> = {};

export function initialize(data: HookData): void {
  targets = data.targets;
}

type NextResolve = (specifier: string, context: unknown) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: unknown, nextResolve: NextResolve): Promise<{ url: string; shortCircuit?: boolean }> {
  const target = targets[specifier];
  if (target) return { url: target, shortCircuit: true };
  return nextResolve(specifier, context);
}
