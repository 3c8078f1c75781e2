// Convertisseur d'échecs du worker (le SDK ne le lit que par chemin, module CommonJS) :
// messages et piles d'erreurs placés dans un payload, donc chiffrés par le codec.
const { DefaultFailureConverter } = require('@temporalio/common');
exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
