// What yaml-language-server (the language server of VS Code's YAML extension) says of a graph with a schema:
// its diagnostics, and the completion labels at LINE:COL positions (1-based). A manual check beside SchemaTests,
// which runs a JSON Schema validator on every build; this one shows what an editor shows.
//
//   npm install --prefix /tmp/yls yaml-language-server@1.25.0
//   dotnet engine/SyfalaGraph.Cli/bin/Release/net10.0/syfala-graph.dll schema --write /tmp
//   NODE_PATH=/tmp/yls/node_modules node tests/SyfalaGraph.EndToEnd.Tests/Editor/yls-check.cjs \
//       /tmp/syfala-graph.schema.json graphs/drift-bridge.yaml
const fs = require('fs');
const path = require('path');
const { getLanguageService } = require('yaml-language-server/out/server/src/languageservice/yamlLanguageService');
const { TextDocument } = require('vscode-languageserver-textdocument');
const [schemaPath, graphPath, ...positions] = process.argv.slice(2);
const schemaUri = 'file://' + path.resolve(schemaPath);
const ls = getLanguageService({
  schemaRequestService: (uri) => Promise.resolve(fs.readFileSync(new URL(uri), 'utf8')),
  workspaceContext: { resolveRelativePath: (rel, res) => new URL(rel, res).toString() },
});
ls.configure({ validate: true, completion: true, hover: true, schemas: [{ uri: schemaUri, fileMatch: ['*.yaml'] }] });
(async () => {
  const text = fs.readFileSync(graphPath, 'utf8');
  const doc = TextDocument.create('file://' + path.resolve(graphPath), 'yaml', 1, text);
  const diags = await ls.doValidation(doc, false);
  console.log(`${path.basename(graphPath)}: ${diags.length} diagnostic(s)`);
  for (const d of diags) console.log(`  ${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message.replace(/\n/g, ' ')}`);
  for (const p of positions) {
    const [l, c] = p.split(':').map(Number);
    const list = await ls.doComplete(doc, { line: l - 1, character: c - 1 }, false);
    console.log(`  completion at ${p}: ${list.items.map(i => i.label).join(', ')}`);
  }
})();
