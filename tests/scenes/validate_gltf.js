// Validate glTF/glb files with the Khronos validator: node validate_gltf.js FILE...
// Prints one JSON line per file: {file, errors, warnings, infos, hints, messages}.
const fs = require('fs');
const path = require('path');
const validator = require(path.resolve(__dirname, '../../node_modules/gltf-validator'));

(async () => {
  for (const file of process.argv.slice(2)) {
    const report = await validator.validateBytes(new Uint8Array(fs.readFileSync(file)), {maxIssues: 100});
    const i = report.issues;
    console.log(JSON.stringify({file, errors: i.numErrors, warnings: i.numWarnings, infos: i.numInfos,
                                hints: i.numHints, messages: i.messages}));
  }
})();
