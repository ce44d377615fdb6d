// The VS Code client of migc's language server: starts `migc lsp` (the `migc.path` setting, else
// `migc` on PATH) for .mig files. Everything else (diagnostics, completion, hover, formatting...)
// comes from the server.
"use strict";
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function start() {
  const command = vscode.workspace.getConfiguration("migc").get("path") || "migc";
  const serverOptions = { command, args: ["lsp"], transport: TransportKind.stdio };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "mig" }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.mig") },
  };
  client = new LanguageClient("migc", "migc", serverOptions, clientOptions);
  return client.start().catch((err) => {
    vscode.window.showErrorMessage(
      `migc: could not start \`${command} lsp\` (${err.message || err}). Install it with ` +
        "`pip install 'migc[lsp]'`, or set migc.path.");
  });
}

function activate(context) {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("migc.path")) {
        if (client) await client.stop();
        await start();
      }
    }),
  );
  return start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
