// The plugin API version. Bump it only for a breaking change to Check, CheckContext, CheckOutcome
// or the evidence types; a plugin declares the version it was written for and golive refuses others.
export const PLUGIN_API_VERSION = 1;
