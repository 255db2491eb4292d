// The names a golive config file may have, nearest first in each directory (config/load.ts finds
// them; plugins/early.ts glances at them before the CLI has loaded).
export const CONFIG_NAMES = ['golive.config.json', 'golive.config.yaml', 'golive.config.yml'];
