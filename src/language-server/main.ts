// Entry point of dist/server.js (`node dist/server.js --stdio`). Everything else lives in startServer, so tests can
// hand it an in-process connection.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

const connection = createConnection(ProposedFeatures.all);
startServer(connection);
connection.listen();
